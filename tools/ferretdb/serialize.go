package main

// FerretDB 1.24 runs findAndModify and update as a read followed by a write in separate SQLite
// transactions: under concurrency, updates are lost (measured: 50 concurrent $inc on one document
// ended at 8) and compare-and-set filters let several writers win. MongoDB guarantees single-document
// atomicity, and the project relies on it. This wire-level proxy restores it: every mutating command
// holds an exclusive lock while FerretDB runs it; reads share the lock and run concurrently.

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

const (
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	maxMessageSize = 48 * 1000 * 1000 * 2
)

var mutating = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "createIndexes": true, "drop": true, "dropDatabase": true, "dropIndexes": true,
	"renameCollection": true, "collMod": true, "compact": true,
}

type serializingProxy struct {
	upstream string
	lock     sync.RWMutex
	logger   *slog.Logger
}

func (p *serializingProxy) serve(ln net.Listener) error {
	for {
		client, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go p.handle(client)
	}
}

func (p *serializingProxy) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		p.logger.Error("cannot reach FerretDB", "error", err)
		return
	}
	defer server.Close()
	fromClient := bufio.NewReader(client)
	fromServer := bufio.NewReader(server)
	for {
		request, err := readMessage(fromClient)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.logger.Debug("client connection ended", "error", err)
			}
			return
		}
		if err := p.roundTrip(request, client, server, fromServer); err != nil {
			p.logger.Debug("round trip failed", "error", err)
			return
		}
	}
}

func (p *serializingProxy) roundTrip(request []byte, client, server net.Conn, fromServer *bufio.Reader) error {
	// FerretDB 1.x has no sessions: the driver's endSessions at shutdown is answered here, so a clean
	// stop does not log a "no such command" warning.
	if commandName(request) == "endSessions" && opCode(request) == opMsg {
		reply, err := opMsgBody(nextRequestID.Add(1), int32(binary.LittleEndian.Uint32(request[4:8])), bson.D{{Key: "ok", Value: float64(1)}})
		if err != nil {
			return err
		}
		_, err = client.Write(reply)
		return err
	}
	if name := commandName(request); mutating[name] {
		p.lock.Lock()
		defer p.lock.Unlock()
		if name == "findAndModify" || name == "findandmodify" || name == "update" {
			// A compare-and-set by _id: decided here with an _id lookup (byid.go), or forwarded as it was.
			if plan, err := planByID(request); err == nil {
				reply, forward, err := plan.run(server, func() ([]byte, error) { return readMessage(fromServer) })
				switch {
				case err == nil && reply != nil:
					_, err = client.Write(reply)
					return err
				case err == nil:
					request = forward
				case !errors.Is(err, errUnsupported):
					return err
				}
			}
		}
	} else {
		p.lock.RLock()
		defer p.lock.RUnlock()
	}
	if _, err := server.Write(request); err != nil {
		return err
	}
	if opCode(request) == opMsg && msgFlags(request)&flagMoreToCome != 0 {
		return nil // an unacknowledged write: no reply comes
	}
	for {
		reply, err := readMessage(fromServer)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if opCode(reply) != opMsg || msgFlags(reply)&flagMoreToCome == 0 {
			return nil
		}
	}
}

func readMessage(r *bufio.Reader) ([]byte, error) {
	header := make([]byte, 16)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header)))
	if length < 16 || length > maxMessageSize {
		return nil, fmt.Errorf("bad message length %d", length)
	}
	message := make([]byte, length)
	copy(message, header)
	if _, err := io.ReadFull(r, message[16:]); err != nil {
		return nil, err
	}
	return message, nil
}

func opCode(message []byte) int32 { return int32(binary.LittleEndian.Uint32(message[12:16])) }

func msgFlags(message []byte) uint32 {
	if len(message) < 20 {
		return 0
	}
	return binary.LittleEndian.Uint32(message[16:20])
}

// commandName is the first key of the body section of an OP_MSG ("insert", "find", ...).
func commandName(message []byte) string {
	if opCode(message) != opMsg {
		return ""
	}
	for i := 20; i < len(message); {
		kind := message[i]
		i++
		if i+4 > len(message) {
			return ""
		}
		size := int(int32(binary.LittleEndian.Uint32(message[i : i+4])))
		if size < 5 || i+size > len(message) {
			return ""
		}
		if kind == 0 {
			doc := message[i : i+size]
			// int32 length, element type byte, then the element name as a C string.
			for j := 5; j < len(doc); j++ {
				if doc[j] == 0 {
					return string(doc[5:j])
				}
			}
			return ""
		}
		i += size // kind 1: a document sequence, its size includes itself
	}
	return ""
}
