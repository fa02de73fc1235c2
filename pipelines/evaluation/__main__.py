import sys

from pipelines.evaluation.run import main

sys.exit(main())
