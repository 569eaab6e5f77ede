package input

import (
	"strings"
	"testing"
)

func TestAWSKeyPairSpelledWithASpace(t *testing.T) {
	known := func(n string) bool { return n == "aws" || n == "lava" }
	in := "AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
		"aws AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
		"aws AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n" +
		"lava sk_1\n" +
		"AKIA0123 two\n" + // not a key id: two words
		"lava AKIAIOSFODNN7EXAMPLE extra\n"
	const pair = "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	var got []Secret
	for s := range Secrets(strings.NewReader(in), "", known) {
		got = append(got, s)
	}
	want := []Secret{
		{Line: 1, Secret: pair},
		{Line: 2, Provider: "aws", Secret: pair},
		{Line: 3, Provider: "aws", Secret: pair},
		{Line: 4, Provider: "lava", Secret: "sk_1"},
	}
	if len(got) != 6 {
		t.Fatalf("%d secrets", len(got))
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("line %d: %+v", i+1, got[i])
		}
	}
	for _, s := range got[4:] {
		if s.Err == "" || s.Secret != "" {
			t.Errorf("line %d: %+v, want an error", s.Line, s)
		}
	}
	// With the provider named on the command line.
	for s := range Secrets(strings.NewReader(in[:strings.Index(in, "\n")+1]), "aws", known) {
		if s.Secret != pair || s.Provider != "aws" {
			t.Errorf("with aws named: %+v", s)
		}
	}
}
