# The QUIC migration lab of Test-QuicMigration: a client with two paths to a router, and a server behind it. The router
# is where the network acts on a connection: its source NAT (empty until a rebinding scenario loads one) moves the
# client's port or address, and the client's route to the server moves from path 1 to path 2 when it migrates. The
# server has a second address, 10.240.0.3, that a server offering a preferred address names.
@{
    Name        = 'quic-migration'
    Description = 'QUIC migration scenarios: client (two paths), router (NAT, paths), server (with a preferred address)'
    Nodes       = @{
        client = @{ Routes = @( @{ Destination = '10.240.0.0/24'; Gateway = '10.200.0.254' } ) }
        router = @{
            Forwarding = $true
            Sysctls    = @{ 'net.ipv4.conf.*.rp_filter' = 0 }
        }
        server = @{ Routes = @( @{ Destination = 'default'; Gateway = '10.240.0.1' } ) }
    }
    Links       = @(
        @{ Endpoints = 'client:eth0', 'router:eth0'; Addresses = '10.200.0.2/24', '10.200.0.254/24' }
        @{ Endpoints = 'client:eth1', 'router:eth1'; Addresses = '10.210.0.2/24', '10.210.0.254/24' }
        @{ Endpoints = 'router:eth2', 'server:eth0'; Addresses = @('10.240.0.1/24', '10.240.0.4/24'), @('10.240.0.2/24', '10.240.0.3/24') }
    )
}
