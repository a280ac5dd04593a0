// Command gohost is a stock hashicorp go-plugin host (AutoMTLS on, default log level) that runs
// one Fleetscaler plugin executable through every step of its life and prints one line per step:
//
//	STEP <name> <OK | gRPC code | ERROR> <detail>
//
// Usage: gohost [flags] PLUGIN [ARGS...]. Exit status 0 when every step ran (whatever its
// answer), 3 when the plugin could not be started.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"fleetscaler/pluginv1"

	"github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

type instanceGroupPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (instanceGroupPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("host side only")
}

func (instanceGroupPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return pluginv1.NewInstanceGroupClient(conn), nil
}

// lockedBuffer keeps what the host logged, to tell a graceful stop from a forced one.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func step(name string, err error, detail string) {
	code := "OK"
	if err != nil {
		if s, ok := status.FromError(err); ok {
			code = s.Code().String()
			detail = s.Message()
		} else {
			code = "ERROR"
			detail = err.Error()
		}
	}
	fmt.Printf("STEP %s %s %s\n", name, code, strings.Join(strings.Fields(detail), " "))
}

func main() {
	cookieKey := flag.String("cookie-key", "FLEETSCALER_PLUGIN_MAGIC_COOKIE", "magic cookie variable")
	cookieValue := flag.String("cookie-value", "3f9c1e7b52a84d06b8e2c4f1a7d39e5c0b6f28a4d1e7c3b9", "magic cookie value")
	versions := flag.String("versions", "1", "comma-separated app protocol versions this host speaks")
	config := flag.String("config", "{}", "plugin_config JSON for Init")
	beforeInit := flag.Bool("before-init", false, "call every method before Init first")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: gohost [flags] PLUGIN [ARGS...]")
		os.Exit(2)
	}

	logged := &lockedBuffer{}
	// hclog's default level (Info), as an application embedding go-plugin runs it.
	logger := hclog.New(&hclog.LoggerOptions{Name: "gohost", Output: io.MultiWriter(os.Stderr, logged)})
	plugins := map[int]plugin.PluginSet{}
	for _, v := range strings.Split(*versions, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad -versions:", err)
			os.Exit(2)
		}
		plugins[n] = plugin.PluginSet{"instance_group": instanceGroupPlugin{}}
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  plugin.HandshakeConfig{MagicCookieKey: *cookieKey, MagicCookieValue: *cookieValue},
		VersionedPlugins: plugins,
		Cmd:              exec.Command(flag.Arg(0), flag.Args()[1:]...),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     2 * time.Minute,
		Logger:           logger,
	})
	defer client.Kill()

	rpc, err := client.Client()
	step("handshake", err, "")
	if err != nil {
		client.Kill()
		os.Exit(3)
	}
	pid := client.ReattachConfig().Pid
	fmt.Printf("PID %d\n", pid)
	step("health", rpc.Ping(), "")
	raw, err := rpc.Dispense("instance_group")
	if err != nil {
		step("dispense", err, "")
		client.Kill()
		os.Exit(3)
	}
	group := raw.(pluginv1.InstanceGroupClient)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	if *beforeInit {
		callAll(ctx, group, "before-init-", "i-unknown")
	}
	password := "hunter2"
	info, err := group.Init(ctx, &pluginv1.InitRequest{
		Settings: &pluginv1.Settings{Connector: &pluginv1.ConnectorConfig{
			Os: "linux", Arch: "amd64", Protocol: "ssh", Username: "runner", Password: password,
		}},
		PluginConfigJson: *config,
	})
	detail := ""
	if err == nil {
		detail = "id=" + info.GetInfo().GetId()
	}
	step("init", err, detail)
	if err != nil {
		// Without a cloud: every other method must still answer plainly.
		callAll(ctx, group, "", "i-unknown")
	} else {
		lifecycle(ctx, group)
	}
	_, err = group.Shutdown(ctx, &pluginv1.ShutdownRequest{})
	step("shutdown", err, "")

	// Kill asks GRPCController.Shutdown first and waits 2 s before killing.
	client.Kill()
	if strings.Contains(logged.String(), "failed to exit gracefully") {
		step("stop", errors.New("the plugin had to be killed"), "")
	} else {
		step("stop", nil, "")
	}
	if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
		step("gone", nil, "")
	} else {
		step("gone", fmt.Errorf("process %d still exists (%v)", pid, err), "")
	}
}

// lifecycle runs Update, Increase, waits for the new instance to run, then ConnectInfo,
// Heartbeat and Decrease on it.
func lifecycle(ctx context.Context, group pluginv1.InstanceGroupClient) {
	before, err := group.Update(ctx, &pluginv1.UpdateRequest{})
	step("update", err, fmt.Sprintf("instances=%d", len(before.GetInstances())))
	known := map[string]bool{}
	for _, i := range before.GetInstances() {
		known[i.GetId()] = true
	}
	inc, err := group.Increase(ctx, &pluginv1.IncreaseRequest{Delta: 1})
	step("increase", err, fmt.Sprintf("requested=%d", inc.GetRequested()))
	id := ""
	for id == "" && ctx.Err() == nil {
		now, err := group.Update(ctx, &pluginv1.UpdateRequest{})
		if err != nil {
			break
		}
		for _, i := range now.GetInstances() {
			if !known[i.GetId()] && i.GetState() == "running" {
				id = i.GetId()
			}
		}
		if id == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	step("running", boolErr(id != "", "no new instance reached running"), "id="+id)
	ci, err := group.ConnectInfo(ctx, &pluginv1.ConnectInfoRequest{Id: id})
	step("connect-info", err, "internal="+ci.GetInfo().GetInternalAddr())
	_, err = group.Heartbeat(ctx, &pluginv1.HeartbeatRequest{Id: id})
	step("heartbeat", err, "")
	dec, err := group.Decrease(ctx, &pluginv1.DecreaseRequest{Ids: []string{id}})
	step("decrease", err, fmt.Sprintf("ids=%v", dec.GetIds()))
}

// callAll calls every method but Init and Shutdown once, printing each answer.
func callAll(ctx context.Context, group pluginv1.InstanceGroupClient, prefix, id string) {
	_, err := group.Update(ctx, &pluginv1.UpdateRequest{})
	step(prefix+"update", err, "")
	_, err = group.Increase(ctx, &pluginv1.IncreaseRequest{Delta: 1})
	step(prefix+"increase", err, "")
	_, err = group.ConnectInfo(ctx, &pluginv1.ConnectInfoRequest{Id: id})
	step(prefix+"connect-info", err, "")
	_, err = group.Heartbeat(ctx, &pluginv1.HeartbeatRequest{Id: id})
	step(prefix+"heartbeat", err, "")
	_, err = group.Decrease(ctx, &pluginv1.DecreaseRequest{Ids: []string{id}})
	step(prefix+"decrease", err, "")
	_, err = group.Suspend(ctx, &pluginv1.SuspendRequest{Ids: []string{id}})
	step(prefix+"suspend", err, "")
	_, err = group.Resume(ctx, &pluginv1.ResumeRequest{Ids: []string{id}})
	step(prefix+"resume", err, "")
	if prefix != "" {
		_, err = group.Shutdown(ctx, &pluginv1.ShutdownRequest{})
		step(prefix+"shutdown", err, "")
	}
}

func boolErr(ok bool, why string) error {
	if ok {
		return nil
	}
	return errors.New(why)
}
