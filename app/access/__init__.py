"""Who is calling and what they may do: the HTTP guard every route and page declares. It sits
above auth (staff tokens) and merchants (API keys), so neither needs the other's HTTP layer; the
routes of the packages below the guard (auth, merchants, branches) live here with it."""
