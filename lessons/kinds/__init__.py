"""The lab kinds, one file each. A lesson picks a kind and gives it the expression or setup to show."""
