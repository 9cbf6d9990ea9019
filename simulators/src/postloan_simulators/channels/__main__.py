from postloan_simulators.channels import main

main()
