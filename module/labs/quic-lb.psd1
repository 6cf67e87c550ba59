# The QUIC load-balancer lab: a client with two paths to a router (router1) that holds the service's VIP 10.250.1.1
# and sends it through an IP-in-IP tunnel to the real server (10.220.0.2). The server has the VIP on its loopback and
# answers directly (direct server return), so replies leave from the VIP without the tunnel. The client reaches the
# VIP over path 1 at first; migrating means replacing that route with one over path 2.
@{
    Name        = 'quic-lb'
    Description = 'QUIC migration behind an IPIP load balancer: client (two paths), router1 (VIP, tunnel), server (direct server return)'
    Nodes       = @{
        client  = @{ Routes = @( @{ Destination = '10.250.1.1/32'; Gateway = '10.200.0.254' } ) }
        router1 = @{
            Forwarding = $true
            Sysctls    = @{ 'net.ipv4.conf.*.rp_filter' = 0 }
            Routes     = @( @{ Destination = '10.250.1.1/32'; Interface = 'ipip0' } )
        }
        server  = @{
            Sysctls = @{ 'net.ipv4.conf.*.rp_filter' = 0 }
            Routes  = @( @{ Destination = 'default'; Gateway = '10.220.0.254' } )
        }
    }
    Links       = @(
        @{ Endpoints = 'client:eth1', 'router1:eth0'; Addresses = '10.200.0.2/24', '10.200.0.254/24' }
        @{ Endpoints = 'client:eth0', 'router1:eth1'; Addresses = '10.210.0.2/24', '10.210.0.254/24' }
        @{ Endpoints = 'router1:eth2', 'server:eth0'; Addresses = '10.220.0.254/24', '10.220.0.2/24' }
    )
    Addresses   = @(
        @{ Node = 'server'; Interface = 'lo'; Address = '10.250.1.1/32' }
    )
    Tunnels     = @(
        @{ Node = 'router1'; Name = 'ipip0'; Local = '10.220.0.254'; Remote = '10.220.0.2'; Mode = 'Auto' }
        @{ Node = 'server'; Name = 'ipip0'; Local = '10.220.0.2'; Remote = '10.220.0.254'; Mode = 'Auto' }
    )
}
