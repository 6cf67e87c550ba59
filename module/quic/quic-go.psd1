# quic-go 0.29 as Debian ships its sources (golang-github-lucas-clemente-quic-go-dev): the endpoints it builds for
# quic-interop-runner, unmodified, built offline with Debian's Go in GOPATH mode and run with the interop-runner's
# contract (ROLE, TESTCASE, SSLKEYLOGFILE, QLOGDIR, REQUESTS; /www, /downloads, /certs, /logs). TESTCASE is http3 in
# every scenario, so that it speaks HTTP/3 as ngtcp2 does (its transfer test case speaks HTTP/0.9). Its client binds
# to the wildcard address, so a route change moves it; neither side knows preferred addresses.
@{
    Name        = 'quic-go'
    Description = 'quic-go 0.29 (Debian sources): the interop-runner endpoints, HTTP/3'
    Layout      = 'InteropRunner'
    Port        = 443
    Scenarios   = @('Transfer', 'RebindPort', 'RebindAddress', 'ClientMigration', 'DsrLoadBalancer')
    Server      = @{ Command = '{BuildDirectory}/server'; Environment = @{ TESTCASE = 'http3' } }
    Client      = @{ Command = '{BuildDirectory}/client'; Environment = @{ TESTCASE = 'http3' } }
    Build       = @(
        @{
            Command     = 'go'
            Arguments   = @('build', '-o', '{BuildDirectory}/server', 'github.com/lucas-clemente/quic-go/interop/server')
            Environment = @{ GO111MODULE = 'off'; GOPATH = '/usr/share/gocode'; GOCACHE = '{BuildDirectory}/go-cache'; GOFLAGS = '' }
            Creates     = 'server'
        }
        @{
            Command     = 'go'
            Arguments   = @('build', '-o', '{BuildDirectory}/client', 'github.com/lucas-clemente/quic-go/interop/client')
            Environment = @{ GO111MODULE = 'off'; GOPATH = '/usr/share/gocode'; GOCACHE = '{BuildDirectory}/go-cache'; GOFLAGS = '' }
            Creates     = 'client'
        }
    )
}
