package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The status table agrees with ErrorCodes (and so with docs/errors.md):
// each code's status outside GraphQL execution is one ErrorCodes names.
func TestStatusTableMatchesErrorCodes(t *testing.T) {
	documented := map[string]string{}
	for _, c := range ErrorCodes {
		documented[c.Code] = c.Status
	}
	for code, status := range httpStatus {
		doc, ok := documented[string(code)]
		if !ok {
			t.Errorf("%s answers %d but is not in ErrorCodes", code, status)
			continue
		}
		if !strings.Contains(doc, strconv.Itoa(status)) {
			t.Errorf("%s answers %d; ErrorCodes documents %q", code, status, doc)
		}
	}
}

func TestWriteError(t *testing.T) {
	for _, tc := range []struct {
		name         string
		err          error
		status       int
		code, msg    string
		field        string
		execution    bool
		secretAbsent string
	}{
		{"coded", &cg.Error{Code: cg.CodeBadInput, Field: "kind", Message: "unknown kind"}, http.StatusBadRequest, "BAD_USER_INPUT", "unknown kind", "kind", false, ""},
		{"wrapped coded", errors.Join(errors.New("ctx"), &cg.Error{Code: cg.CodeNotFound, Message: "no such"}), http.StatusNotFound, "NOT_FOUND", "no such", "", false, ""},
		{"refused before GraphQL", &cg.Error{Code: codeRequestTooLarge, Message: "too big"}, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "too big", "", false, ""},
		{"uncoded", errors.New("dial 10.1.2.3"), http.StatusInternalServerError, "INTERNAL", "internal error", "", false, "10.1.2.3"},
		{"coded INTERNAL hides its message", &cg.Error{Code: cg.CodeInternal, Message: "password=x"}, http.StatusInternalServerError, "INTERNAL", "internal error", "", false, "password"},
		{"execution error", &cg.Error{Code: cg.CodeTimeout, Message: "slow"}, http.StatusOK, "TIMEOUT", "slow", "", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if tc.execution {
				writeExecutionError(rec, tc.err)
			} else {
				writeError(rec, tc.err)
			}
			var body struct {
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != "application/json" || len(body.Errors) != 1 {
				t.Fatalf("status %d, type %q, body %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			e := body.Errors[0]
			field, _ := e.Extensions["field"].(string)
			if e.Extensions["code"] != tc.code || e.Message != tc.msg || field != tc.field {
				t.Errorf("got %+v; want code %s, message %q, field %q", e, tc.code, tc.msg, tc.field)
			}
			if tc.secretAbsent != "" && strings.Contains(rec.Body.String(), tc.secretAbsent) {
				t.Errorf("body leaks %q: %s", tc.secretAbsent, rec.Body)
			}
		})
	}
}
