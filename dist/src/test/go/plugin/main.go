// Command goplugin is a stock hashicorp go-plugin plugin (gRPC, AutoMTLS as the host asks) serving
// Fleetscaler's InstanceGroup service from memory: Increase adds running instances go-1, go-2, ...
// Every method but Init answers FAILED_PRECONDITION until Init succeeded. When serving ends the way
// go-plugin ends it on GRPCController.Shutdown, it writes "stopped" to $GOPLUGIN_EXIT_MARKER (if
// set), so a test can tell a clean stop from a kill.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/ioutil"
	"os"
	"sync"

	"fleetscaler/pluginv1"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type group struct {
	mu        sync.Mutex
	settings  *pluginv1.Settings
	instances map[string]string
	order     []string
	next      int
}

func (g *group) ready(method string) error {
	if g.settings == nil {
		return status.Errorf(codes.FailedPrecondition, "%s called before Init", method)
	}
	return nil
}

func (g *group) Init(_ context.Context, r *pluginv1.InitRequest) (*pluginv1.InitResponse, error) {
	var config map[string]interface{}
	if err := json.Unmarshal([]byte(r.GetPluginConfigJson()), &config); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "plugin config is not a JSON object: %v", err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.settings = r.GetSettings()
	return &pluginv1.InitResponse{Info: &pluginv1.ProviderInfo{
		Id: "go/memory", MaxSize: 10, Version: "0.1.0", BuildInfo: "go-plugin interop test",
	}}, nil
}

func (g *group) Update(context.Context, *pluginv1.UpdateRequest) (*pluginv1.UpdateResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("Update"); err != nil {
		return nil, err
	}
	out := &pluginv1.UpdateResponse{}
	for _, id := range g.order {
		if state, ok := g.instances[id]; ok {
			out.Instances = append(out.Instances, &pluginv1.Instance{Id: id, State: state})
		}
	}
	return out, nil
}

func (g *group) Increase(_ context.Context, r *pluginv1.IncreaseRequest) (*pluginv1.IncreaseResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("Increase"); err != nil {
		return nil, err
	}
	for i := int32(0); i < r.GetDelta(); i++ {
		g.next++
		id := fmt.Sprintf("go-%d", g.next)
		g.instances[id] = "running"
		g.order = append(g.order, id)
	}
	return &pluginv1.IncreaseResponse{Requested: r.GetDelta()}, nil
}

func (g *group) Decrease(_ context.Context, r *pluginv1.DecreaseRequest) (*pluginv1.DecreaseResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("Decrease"); err != nil {
		return nil, err
	}
	for _, id := range r.GetIds() {
		delete(g.instances, id)
	}
	return &pluginv1.DecreaseResponse{Ids: r.GetIds()}, nil
}

func (g *group) ConnectInfo(_ context.Context, r *pluginv1.ConnectInfoRequest) (*pluginv1.ConnectInfoResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("ConnectInfo"); err != nil {
		return nil, err
	}
	if _, ok := g.instances[r.GetId()]; !ok {
		return nil, status.Errorf(codes.NotFound, "no instance %q", r.GetId())
	}
	return &pluginv1.ConnectInfoResponse{Info: &pluginv1.ConnectInfo{
		Id: r.GetId(), Connector: g.settings.GetConnector(), InternalAddr: "10.1.0.1",
	}}, nil
}

func (g *group) Heartbeat(_ context.Context, r *pluginv1.HeartbeatRequest) (*pluginv1.HeartbeatResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("Heartbeat"); err != nil {
		return nil, err
	}
	if _, ok := g.instances[r.GetId()]; !ok {
		return nil, status.Errorf(codes.NotFound, "no instance %q", r.GetId())
	}
	return &pluginv1.HeartbeatResponse{}, nil
}

func (g *group) Shutdown(context.Context, *pluginv1.ShutdownRequest) (*pluginv1.ShutdownResponse, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.ready("Shutdown"); err != nil {
		return nil, err
	}
	return &pluginv1.ShutdownResponse{}, nil
}

func (g *group) Suspend(context.Context, *pluginv1.SuspendRequest) (*pluginv1.SuspendResponse, error) {
	return nil, status.Error(codes.Unimplemented, "suspend is not supported by the Go test plugin")
}

func (g *group) Resume(context.Context, *pluginv1.ResumeRequest) (*pluginv1.ResumeResponse, error) {
	return nil, status.Error(codes.Unimplemented, "resume is not supported by the Go test plugin")
}

type instanceGroupPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	impl *group
}

func (p instanceGroupPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pluginv1.RegisterInstanceGroupServer(s, p.impl)
	return nil
}

func (instanceGroupPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (interface{}, error) {
	return nil, errors.New("plugin side only")
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  1,
			MagicCookieKey:   "FLEETSCALER_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "3f9c1e7b52a84d06b8e2c4f1a7d39e5c0b6f28a4d1e7c3b9",
		},
		Plugins: plugin.PluginSet{
			"instance_group": instanceGroupPlugin{impl: &group{instances: map[string]string{}}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
	if marker := os.Getenv("GOPLUGIN_EXIT_MARKER"); marker != "" {
		if err := ioutil.WriteFile(marker, []byte("stopped\n"), 0o600); err != nil {
			os.Exit(1)
		}
	}
}
