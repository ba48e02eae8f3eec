"""What every page and JSON route shares: rendering with the common context and redirects
(`render`), reading forms (`forms`), bounded input (`params`), and how errors look to people
and to API clients (`errors`). Flash messages are Litestar's (`litestar.plugins.flash`)."""
