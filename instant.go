package coalitiongraph

import "time"

// ParseInstant reads an instant as the API and the exports accept it: an
// RFC 3339 timestamp, or a day (YYYY-MM-DD) meaning the start of that day
// in UTC, which is how the dataset's dates start (Date.Start).
func ParseInstant(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, time.UTC); err == nil {
		return d, nil
	}
	return time.Time{}, Errorf(CodeBadInput, "%q is not a time: want an RFC 3339 instant (2025-08-19T00:00:00Z) or a day (2025-08-19)", s)
}
