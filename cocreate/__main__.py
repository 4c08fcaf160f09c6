from cocreate.cli.main import main

main()
