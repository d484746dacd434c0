// The "tandem" full-text tokenizer, in C because it runs on every token of every stored document
// (about 300 per document): unicode61 does the splitting, lowercasing and accent removal, and this
// file adds the stem. Written against the FTS5 v1 tokenizer API, present in every SQLite with FTS5.

#include "tandem_search.h"
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *token, int length, const char *suffix, int suffix_length) {
    return length >= suffix_length && memcmp(token + length - suffix_length, suffix, suffix_length) == 0;
}

int tandem_search_stem(const char *token, int length, char *out) {
    // Characters, not bytes, decide whether a token is long enough to stem.
    int characters = 0;
    for (int i = 0; i < length; i++) {
        if (((unsigned char)token[i] & 0xC0) != 0x80) characters++;
    }
    memcpy(out, token, length);
    if (characters <= 4) return length;
    // Spanish -ción/-ciones and English/French -tion(s) share the stem "…tion".
    if (ends_with(token, length, "ciones", 6)) { memcpy(out + length - 6, "tion", 4); return length - 2; }
    if (ends_with(token, length, "cion", 4)) { out[length - 4] = 't'; return length; }
    if (ends_with(token, length, "tions", 5)) return length - 1;
    // A plural finds its singular.
    if (ends_with(token, length, "s", 1) && !ends_with(token, length, "ss", 2)) return length - 1;
    return length;
}

typedef struct {
    fts5_tokenizer unicode61;
    Fts5Tokenizer *instance;
} TandemTokenizer;

typedef struct {
    void *context;
    int (*token)(void *, int, const char *, int, int, int);
} TandemCallback;

static int tandem_token(void *context, int flags, const char *token, int length, int start, int end) {
    TandemCallback *callback = context;
    char buffer[256];
    char *out = length <= (int)sizeof(buffer) ? buffer : sqlite3_malloc(length);
    if (out == NULL) return SQLITE_NOMEM;
    int stemmed = tandem_search_stem(token, length, out);
    int result = callback->token(callback->context, flags, out, stemmed, start, end);
    if (out != buffer) sqlite3_free(out);
    return result;
}

static int tandem_create(void *api, const char **arguments, int count, Fts5Tokenizer **tokenizer) {
    (void)arguments;
    (void)count;
    fts5_api *fts5 = api;
    TandemTokenizer *self = sqlite3_malloc(sizeof(TandemTokenizer));
    if (self == NULL) return SQLITE_NOMEM;
    memset(self, 0, sizeof(*self));
    void *unicode61_context = NULL;
    int rc = fts5->xFindTokenizer(fts5, "unicode61", &unicode61_context, &self->unicode61);
    if (rc == SQLITE_OK) {
        const char *unicode61_arguments[] = {"remove_diacritics", "2"};
        rc = self->unicode61.xCreate(unicode61_context, unicode61_arguments, 2, &self->instance);
    }
    if (rc != SQLITE_OK) {
        sqlite3_free(self);
        return rc;
    }
    *tokenizer = (Fts5Tokenizer *)self;
    return SQLITE_OK;
}

static void tandem_delete(Fts5Tokenizer *tokenizer) {
    TandemTokenizer *self = (TandemTokenizer *)tokenizer;
    self->unicode61.xDelete(self->instance);
    sqlite3_free(self);
}

static int tandem_tokenize(Fts5Tokenizer *tokenizer, void *context, int flags, const char *text, int length,
                           int (*token)(void *, int, const char *, int, int, int)) {
    TandemTokenizer *self = (TandemTokenizer *)tokenizer;
    TandemCallback callback = {context, token};
    return self->unicode61.xTokenize(self->instance, &callback, flags, text, length, tandem_token);
}

int tandem_search_register(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(statement);
    rc = sqlite3_finalize(statement);
    if (rc != SQLITE_OK) return rc;
    if (api == NULL) return SQLITE_ERROR;
    fts5_tokenizer methods = {tandem_create, tandem_delete, tandem_tokenize};
    return api->xCreateTokenizer(api, "tandem", api, &methods, NULL);
}
