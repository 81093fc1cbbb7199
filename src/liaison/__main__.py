"""``python -m liaison`` is the ``liaison`` command."""

from liaison.cli.main import main

if __name__ == "__main__":
    main()
