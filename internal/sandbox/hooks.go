package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"time"
)

// hook is a scenario a definition cannot express as data; a definition's
// sandbox.hooks names the ones its provider documents.
type hook struct {
	// credential is an extra sandbox credential the hook recognises.
	credential string
	// beforeLookup and beforeRevoke answer the request themselves and
	// return true, or return false to let it go on. beforeRevoke runs with
	// the sandbox locked and c.key set to an active key.
	beforeLookup func(c *call) bool
	beforeRevoke func(c *call) bool
}

var hooks = map[string]hook{
	// Lava: 429 with Retry-After in the 15 s after a key is created.
	"lava_cooldown": {beforeRevoke: func(c *call) bool {
		age := c.s.opts.Now().Sub(c.key.CreatedAt)
		if age >= lavaCooldown {
			return false
		}
		left := int(math.Ceil((lavaCooldown - age).Seconds()))
		c.w.Header().Set("Retry-After", fmt.Sprint(left))
		lavaError(c.w, http.StatusTooManyRequests, "secret_key_cooldown", fmt.Sprintf("Cooldown period active: wait %d seconds after creation", left))
		return true
	}},
	// Lava: the last remaining key cannot be revoked (400).
	"lava_last_key": {beforeRevoke: func(c *call) bool {
		if c.s.opts.AnyID || c.s.activeKeys(c.e.name) > 1 {
			return false
		}
		lavaError(c.w, http.StatusBadRequest, "last_secret_key", "Cannot delete the last remaining secret key")
		return true
	}},
	// LangWatch: a key owned by another user (seeded with tag other_owner) is 403.
	"other_owner": {beforeRevoke: func(c *call) bool {
		if c.key.tag != "other_owner" {
			return false
		}
		c.e.answer(c.w, http.StatusForbidden, c.id)
		return true
	}},
	// LiveAvatar: FastAPI's 422 for a secret id it cannot accept.
	"liveavatar_validation": {beforeLookup: func(c *call) bool {
		if liveavatarID.MatchString(c.id) {
			return false
		}
		writeJSON(c.w, http.StatusUnprocessableEntity, map[string]any{"detail": []map[string]any{{
			"loc": []any{"path", "secret_id"}, "msg": "String should match pattern '^[A-Za-z0-9_-]{1,128}$'",
			"type": "string_pattern_mismatch", "input": c.id,
		}}})
		return true
	}},
	// LiveAvatar: a key whose user has no space (NoSpaceToken) gets 400.
	"liveavatar_no_space": {credential: NoSpaceToken, beforeLookup: func(c *call) bool {
		if c.credential != NoSpaceToken {
			return false
		}
		writeJSON(c.w, http.StatusBadRequest, map[string]any{"detail": "User does not have an associated space"})
		return true
	}},
	// Altostrat: an id off the documented pattern is a 404 validation error.
	"altostrat_pattern": {beforeLookup: func(c *call) bool {
		re, err := regexp.Compile(c.e.def.ID.Pattern)
		if err != nil || re.MatchString(c.id) {
			return false
		}
		writeJSON(c.w, http.StatusNotFound, map[string]any{"message": "The given data was invalid.",
			"errors": map[string][]string{"id": {"The id must match " + c.e.def.ID.Pattern + "."}}})
		return true
	}},
	// MongoDB Atlas: every answer is versioned by media type, the 204 of a
	// deleted key included (its description gives it the 2023-01-01 type).
	"atlas_media_type": {beforeRevoke: func(c *call) bool {
		c.w.Header().Set("Content-Type", "application/vnd.atlas.2023-01-01+json")
		return false
	}},
	// HCP Terraform: a JSON:API error document (application/vnd.api+json)
	// for a token that does not exist or is already deleted.
	"jsonapi_not_found": {beforeLookup: func(c *call) bool {
		c.s.mu.Lock()
		k := c.s.lookup(c.e.name, c.id)
		gone := k == nil || k.State == Revoked
		c.s.mu.Unlock()
		if !gone {
			return false
		}
		c.w.Header().Set("Content-Type", "application/vnd.api+json")
		c.w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(c.w).Encode(map[string]any{"errors": []map[string]any{{"status": "404", "title": "not found"}}})
		return true
	}},
}

const lavaCooldown = 15 * time.Second

// liveavatarID is what the emulator accepts as a secret id.
var liveavatarID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

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
