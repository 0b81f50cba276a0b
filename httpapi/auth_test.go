package httpapi

import "testing"

func TestPrincipal(t *testing.T) {
	keys, err := ParseAPIKeys("alice:"+HashKey("s3cret")+",empty:"+HashKey(""), "test")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		authorization, want string
	}{
		{"Bearer s3cret", "alice"},
		{"Bearer  s3cret ", "alice"},
		{"s3cret", ""},       // no Bearer scheme
		{"Basic s3cret", ""}, // another scheme
		{"Bearer wrong", ""}, // unknown key
		{"Bearer ", ""},      // an empty secret never matches, even a key hashed from ""
		{"", ""},
	}
	for _, tt := range tests {
		if got := principal(keys, tt.authorization); got != tt.want {
			t.Errorf("principal(%q) = %q, want %q", tt.authorization, got, tt.want)
		}
	}
}
