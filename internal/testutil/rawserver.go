package testutil

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
)

// RawServer is a hostile HTTP server on loopback that answers every request
// with the bytes reply returns, exactly as given (no net/http on the server
// side to refuse what a real attacker would send), and records each request
// head it read.
type RawServer struct {
	Addr string // host:port
	URL  string // http://host:port
	mu   sync.Mutex
	reqs []string
}

// NewRawServer starts a RawServer that lives as long as the test.
func NewRawServer(t *testing.T, reply func(head string) string) *RawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s := &RawServer{Addr: ln.Addr().String(), URL: "http://" + ln.Addr().String()}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn, reply)
		}
	}()
	return s
}

func (s *RawServer) serve(conn net.Conn, reply func(head string) string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		var head strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, head.String())
		s.mu.Unlock()
		if _, err := conn.Write([]byte(reply(head.String()))); err != nil {
			return
		}
	}
}

// Requests are the request heads read so far.
func (s *RawServer) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}
