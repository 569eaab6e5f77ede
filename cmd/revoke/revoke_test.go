package revoke

import (
	"context"
	"testing"

	"github.com/keyctl/keyctl/internal/cmdutil"
	"github.com/keyctl/keyctl/internal/iostreams"
)

func TestNewCmdRevokeParsesArguments(t *testing.T) {
	cases := []struct {
		args    []string
		wantErr bool
		check   func(t *testing.T, o *RevokeOptions)
	}{
		{args: []string{"lava", "k1", "k2", "--dry-run", "--ignore-missing"}, check: func(t *testing.T, o *RevokeOptions) {
			if o.Provider != "lava" || len(o.IDs) != 2 || o.IDs[1] != "k2" || !o.DryRun || !o.IgnoreMissing || o.SkipIDCheck {
				t.Errorf("opts %+v", o)
			}
		}},
		{args: []string{"altostrat", "api_key_x", "--skip-id-check", "--retries", "0", "--timeout", "2s"}, check: func(t *testing.T, o *RevokeOptions) {
			if !o.SkipIDCheck || o.cmd.Flags().Lookup("retries").Value.String() != "0" || !o.cmd.Flags().Lookup("timeout").Changed {
				t.Errorf("opts %+v", o)
			}
		}},
		{args: []string{"lava", "--", "-dash-id"}, check: func(t *testing.T, o *RevokeOptions) {
			if len(o.IDs) != 1 || o.IDs[0] != "-dash-id" {
				t.Errorf("ids %q", o.IDs)
			}
		}},
		{args: []string{}, wantErr: true},
		{args: []string{"lava"}, wantErr: true},
		{args: []string{"lava", "k", "--retries", "x"}, wantErr: true},
	}
	for _, c := range cases {
		io, _, _, _ := iostreams.Test()
		var got *RevokeOptions
		cmd := NewCmdRevoke(&cmdutil.Factory{IO: io}, func(_ context.Context, o *RevokeOptions) error { got = o; return nil })
		cmd.SetArgs(c.args)
		cmd.SetOut(io.ErrOut)
		cmd.SetErr(io.ErrOut)
		err := cmd.ExecuteContext(context.Background())
		if c.wantErr {
			if err == nil {
				t.Errorf("%q: no error", c.args)
			}
			continue
		}
		if err != nil || got == nil {
			t.Fatalf("%q: err %v", c.args, err)
		}
		c.check(t, got)
	}
}
