#ifndef TANDEM_SEARCH_H
#define TANDEM_SEARCH_H

#include <sqlite3.h>

/// Registers the "tandem" FTS5 tokenizer on a connection: SQLite's unicode61 with
/// remove_diacritics 2, then a light French/Spanish/English stem applied to every token, at
/// indexing and at query time alike. Returns SQLITE_OK, or an SQLite error code.
int tandem_search_register(sqlite3 *db);

/// The stem of one token (already lowercased and without accents), written to `out` (at least
/// `length` bytes); returns the stem's length in bytes. Exposed for tests.
int tandem_search_stem(const char *token, int length, char *out);

#endif
