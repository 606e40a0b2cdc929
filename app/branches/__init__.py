"""The city's branches: City Hall and the library branches where clerks work and drawers sit."""
