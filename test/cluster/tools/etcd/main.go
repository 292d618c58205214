// Command etcd is etcd's own main (go.etcd.io/etcd/v3 main.go) over the server module,
// so we can build etcd 3.6 with `go build` from published modules.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
