from timctl.cli import main

main()
