// peer-gcp serves the benchmark's resources with envoyproxy/go-control-plane, the reference xDS server, so the
// harness can compare Plexus against it on the same load. Built by bench/peers/gcp.ts into bench/.work (ignored).
//
// stdin protocol: each line is the path of a snapshot JSON file
// {"version": "v1", "resources": {"<typeUrl>": [<proto3 JSON with "@type">, ...]}}; the first line sets the
// initial snapshot, every later one replaces it for every node. stdout: "READY <port>", then "SET <version>".
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	clusterservice "github.com/envoyproxy/go-control-plane/envoy/service/cluster/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	endpointservice "github.com/envoyproxy/go-control-plane/envoy/service/endpoint/v3"
	listenerservice "github.com/envoyproxy/go-control-plane/envoy/service/listener/v3"
	routeservice "github.com/envoyproxy/go-control-plane/envoy/service/route/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/server/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/anypb"

	// Register the Envoy types the benchmark's resources use, so protojson can resolve "@type".
	_ "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/fault/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/grpc_web/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/health_check/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/http_inspector/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/original_dst/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/listener/tls_inspector/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/raw_buffer/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
)

type snapshotFile struct {
	Version   string                       `json:"version"`
	Resources map[string][]json.RawMessage `json:"resources"`
}

// nodeHash makes one snapshot serve every client, as the benchmark hands the same resources to all.
type nodeHash struct{}

func (nodeHash) ID(*core.Node) string { return "all" }

func load(path string) (*cache.Snapshot, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sf snapshotFile
	if err := json.Unmarshal(raw, &sf); err != nil {
		return nil, err
	}
	byType := map[string][]types.Resource{}
	for typeURL, items := range sf.Resources {
		for _, item := range items {
			var a anypb.Any
			if err := protojson.Unmarshal(item, &a); err != nil {
				return nil, fmt.Errorf("%s: %w", typeURL, err)
			}
			msg, err := a.UnmarshalNew()
			if err != nil {
				return nil, err
			}
			byType[typeURL] = append(byType[typeURL], msg)
		}
	}
	return cache.NewSnapshot(sf.Version, byType)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "host:port for ADS")
	flag.Parse()

	snapshots := cache.NewSnapshotCache(true, nodeHash{}, nil)
	srv := server.NewServer(context.Background(), snapshots, nil)
	g := grpc.NewServer(grpc.MaxConcurrentStreams(1 << 20))
	discovery.RegisterAggregatedDiscoveryServiceServer(g, srv)
	listenerservice.RegisterListenerDiscoveryServiceServer(g, srv)
	routeservice.RegisterRouteDiscoveryServiceServer(g, srv)
	clusterservice.RegisterClusterDiscoveryServiceServer(g, srv)
	endpointservice.RegisterEndpointDiscoveryServiceServer(g, srv)

	lis, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = g.Serve(lis) }()

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	ready := false
	for in.Scan() {
		snap, err := load(in.Text())
		if err != nil {
			fmt.Fprintln(os.Stderr, "snapshot:", err)
			os.Exit(1)
		}
		if err := snapshots.SetSnapshot(context.Background(), "all", snap); err != nil {
			fmt.Fprintln(os.Stderr, "set:", err)
			os.Exit(1)
		}
		if !ready {
			ready = true
			fmt.Printf("READY %d\n", lis.Addr().(*net.TCPAddr).Port)
		}
		fmt.Printf("SET %s\n", in.Text())
	}
	g.Stop()
}
