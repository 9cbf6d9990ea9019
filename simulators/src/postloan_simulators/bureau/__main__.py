from postloan_simulators.bureau import main

main()
