"""Starting the simulator: settings, the runner, the wallet's process, the command line."""
