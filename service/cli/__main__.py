"""`python -m service.cli`: the same command as `pact-chronology`."""

from service.cli.main import main

if __name__ == "__main__":
    main()
