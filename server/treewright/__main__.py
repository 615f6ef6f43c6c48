from treewright.cli import main

# Guarded: worker processes re-import the main module.
if __name__ == "__main__":
    raise SystemExit(main())
