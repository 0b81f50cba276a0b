package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Codes of the trusted-documents mode.
const (
	codeUntrustedDocument       = "UNTRUSTED_DOCUMENT"
	codeTrustedDocumentNotFound = "TRUSTED_DOCUMENT_NOT_FOUND"
)

// ParseTrustedDocuments reads an allow-list of GraphQL documents: a JSON
// object from document id to document text, the id being the document's
// SHA-256 in hex (optionally prefixed "sha256:"), the form Apollo's and
// Relay's persisted-query manifests use. origin names the file in errors.
func ParseTrustedDocuments(b []byte, origin string) (map[string]string, error) {
	var raw map[string]string
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: want a JSON object of sha256 hex id to GraphQL document: %w", origin, err)
	}
	docs := make(map[string]string, len(raw))
	for id, doc := range raw {
		hash := strings.TrimPrefix(strings.ToLower(id), "sha256:")
		if got := documentHash(doc); got != hash {
			return nil, fmt.Errorf("%s: document %q: its sha256 is %s, not the id", origin, id, got)
		}
		docs[hash] = doc
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("%s: no documents: the server would refuse every request", origin)
	}
	return docs, nil
}

func documentHash(doc string) string {
	h := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(h[:])
}

// trustedDocuments runs only listed documents: a request names one by its
// id (extensions.persistedQuery.sha256Hash, as APQ clients send it, or
// documentId) or sends a listed document's full text. Anything else is
// refused before parsing, so an attacker cannot make the server parse,
// validate or execute a document of their own.
type trustedDocuments struct{ docs map[string]string }

func (trustedDocuments) ExtensionName() string                          { return "TrustedDocuments" }
func (trustedDocuments) Validate(schema graphql.ExecutableSchema) error { return nil }

func (t trustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	id := ""
	if pq, ok := p.Extensions["persistedQuery"].(map[string]any); ok {
		id, _ = pq["sha256Hash"].(string)
	}
	if id == "" {
		id, _ = p.Extensions["documentId"].(string)
	}
	id = strings.TrimPrefix(strings.ToLower(id), "sha256:")
	if p.Query != "" {
		if _, ok := t.docs[documentHash(p.Query)]; ok {
			return nil
		}
		err := gqlerror.Errorf("this server runs only trusted documents, and this document is not one of them: send the id of a listed document")
		errcode.Set(err, codeUntrustedDocument)
		return err
	}
	doc, ok := t.docs[id]
	if !ok {
		err := gqlerror.Errorf("no trusted document has id %q", id)
		errcode.Set(err, codeTrustedDocumentNotFound)
		return err
	}
	p.Query = doc
	// The persisted-query extension has done its job; APQ is off in this mode.
	delete(p.Extensions, "persistedQuery")
	return nil
}

// A refused document or an operation over a limit is a request error
// (nothing ran): registering the codes as protocol errors makes gqlgen answer
// with the request-error status, which graphQLOverHTTP then maps to the
// spec's (200 or 400, no data entry). Unregistered, they answered 200 with
// "data": null even to application/graphql-response+json.
func init() {
	for _, c := range []string{codeUntrustedDocument, codeTrustedDocumentNotFound, "PERSISTED_QUERY_NOT_FOUND", "DEPTH_LIMIT_EXCEEDED", "COMPLEXITY_LIMIT_EXCEEDED",
		"TOKEN_LIMIT_EXCEEDED", "ALIAS_LIMIT_EXCEEDED", "FIELD_REPEAT_LIMIT_EXCEEDED", "SELECTION_LIMIT_EXCEEDED",
		"DIRECTIVE_LIMIT_EXCEEDED", "INTROSPECTION_LIMIT_EXCEEDED", "INTROSPECTION_DISABLED"} {
		errcode.RegisterErrorType(c, errcode.KindProtocol)
	}
}
