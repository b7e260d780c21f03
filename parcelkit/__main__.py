"""``python -m parcelkit``: the same command line as the ``parcelkit`` script."""

from parcelkit.cli import main

if __name__ == "__main__":
    main()
