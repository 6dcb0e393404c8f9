from eci_events.cli import main

main()
