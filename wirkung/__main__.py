from wirkung.cli import main

raise SystemExit(main())
