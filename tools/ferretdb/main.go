// Command ferretdb-embedded runs FerretDB 1.24 with its SQLite backend on a
// loopback address. It is the project's default local store: the plain
// `go install` binary of FerretDB panics (its version file is missing from
// the module), while the embeddable package works when imported.
//
// Mutating commands go through a serialising proxy (serialize.go) so that single-document updates
// are atomic, as they are on MongoDB.
//
// It prints one line "ready mongodb://HOST:PORT/" on stdout once listening,
// and stops on SIGINT/SIGTERM or, with -watch-stdin, when its stdin closes
// (so a parent killed with SIGKILL never leaves a store behind).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback; port 0 picks a free one)")
	dataDir := flag.String("data-dir", "", "directory for the SQLite files (created if missing)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", false, "exit when stdin reaches end of file")
	flag.Parse()

	if *dataDir == "" {
		fail("-data-dir is required")
	}
	if !strings.HasPrefix(*listen, "127.0.0.1:") && !strings.HasPrefix(*listen, "localhost:") {
		fail("-listen must be a loopback address, got " + *listen)
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		fail(err.Error())
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad -log-level: " + err.Error())
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir := strings.TrimSuffix(*dataDir, "/") + "/"
	// FerretDB itself listens on a private loopback port; clients reach it through the serialising proxy.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir,
	})
	if err != nil {
		fail(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	// MongoDBURI waits until FerretDB's listener is bound.
	upstream, err := url.Parse(f.MongoDBURI())
	if err != nil {
		fail(err.Error())
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(err.Error())
	}
	proxy := &serializingProxy{upstream: upstream.Host, logger: logger}
	go func() {
		if err := proxy.serve(ln); err != nil {
			logger.Error("proxy stopped", "error", err)
			stop()
		}
	}()
	fmt.Printf("ready mongodb://%s/\n", ln.Addr().String())
	<-ctx.Done()
	_ = ln.Close()
	<-done
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "ferretdb-embedded:", msg)
	os.Exit(2)
}
