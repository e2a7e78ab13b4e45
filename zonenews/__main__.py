import sys

from zonenews.cli import main

sys.exit(main())
