package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"time"
)

// Each handler below follows its provider's document in ../shared/specs.

// lava: Bearer auth; 200 {id, deleted}; 400 last remaining key; 401; 404;
// 429 with Retry-After during the 15 s after creation. Errors are
// {error: {message, code, status}}.
func (s *Sandbox) lava(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != tokens["lava"] {
		lavaError(w, http.StatusUnauthorized, "unauthorized", "Invalid authentication credentials")
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.lookup("lava", id)
	if k == nil || k.State != Active {
		lavaError(w, http.StatusNotFound, "secret_key_not_found", "Secret key not found")
		return
	}
	if age := s.opts.Now().Sub(k.CreatedAt); age < lavaCooldown {
		left := int(math.Ceil((lavaCooldown - age).Seconds()))
		w.Header().Set("Retry-After", fmt.Sprint(left))
		lavaError(w, http.StatusTooManyRequests, "secret_key_cooldown", fmt.Sprintf("Cooldown period active: wait %d seconds after creation", left))
		return
	}
	if !s.opts.AnyID && s.activeKeys("lava") <= 1 {
		lavaError(w, http.StatusBadRequest, "last_secret_key", "Cannot delete the last remaining secret key")
		return
	}
	k.State = Revoked
	writeJSON(w, http.StatusOK, map[string]any{"id": k.ID, "deleted": true})
}

const lavaCooldown = 15 * time.Second

// activeKeys counts a provider's active keys. Call with s.mu held.
func (s *Sandbox) activeKeys(provider string) int {
	n := 0
	for _, k := range s.keys[provider] {
		if k.State == Active {
			n++
		}
	}
	return n
}

func lavaError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "code": code, "status": status}})
}

// langwatch: Bearer admin key; 200 {success}; 401, 403 (another user's
// key), 404 and 409 (already revoked) with no documented body.
func (s *Sandbox) langwatch(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != tokens["langwatch"] {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.lookup("langwatch", r.PathValue("id"))
	switch {
	case k == nil:
		w.WriteHeader(http.StatusNotFound)
	case k.otherOwner:
		w.WriteHeader(http.StatusForbidden)
	case k.State == Revoked:
		w.WriteHeader(http.StatusConflict)
	default:
		k.State = Revoked
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	}
}

// liveavatarID is what the emulator accepts as a secret id; anything else
// gets FastAPI's 422 validation error.
var liveavatarID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// liveavatar: X-API-KEY; 200 {code, data, message}; 400 when the key's user
// has no space; 404; 422 FastAPI {detail: [{loc, msg, type}]}.
func (s *Sandbox) liveavatar(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("X-API-KEY")
	if key != tokens["liveavatar"] && key != NoSpaceToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid API key"})
		return
	}
	id := r.PathValue("secret_id")
	if !liveavatarID.MatchString(id) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []map[string]any{{
			"loc": []any{"path", "secret_id"}, "msg": "String should match pattern '^[A-Za-z0-9_-]{1,128}$'",
			"type": "string_pattern_mismatch", "input": id,
		}}})
		return
	}
	if key == NoSpaceToken {
		writeJSON(w, http.StatusBadRequest, map[string]any{"detail": "User does not have an associated space"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.lookup("liveavatar", id)
	if k == nil || k.State != Active {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Secret not found"})
		return
	}
	k.State = Revoked
	writeJSON(w, http.StatusOK, map[string]any{"code": 100, "data": nil, "message": "Secret deleted successfully"})
}

var altostratIDPattern = regexp.MustCompile(`^api_key_[0-9A-Za-z]{27}$`)

// altostrat: Bearer; 204; 401 and 404 as {message, errors}.
func (s *Sandbox) altostrat(w http.ResponseWriter, r *http.Request) {
	if bearer(r) != tokens["altostrat"] {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthenticated.", "errors": map[string]any{}})
		return
	}
	id := r.PathValue("id")
	if !altostratIDPattern.MatchString(id) {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "The given data was invalid.",
			"errors": map[string][]string{"id": {"The id must match ^api_key_[0-9A-Za-z]{27}$."}}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.lookup("altostrat", id)
	if k == nil || k.State != Active {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "API key not found.", "errors": map[string]any{}})
		return
	}
	k.State = Revoked
	w.WriteHeader(http.StatusNoContent)
}
