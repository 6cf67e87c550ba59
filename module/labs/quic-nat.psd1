# The QUIC NAT lab: a client behind a NAT that maps it to 10.240.0.1, port 20000, towards a server. Moving the NAT's
# mapping to another port (replace the table, delete the client's conntrack entries) is a NAT rebinding as the server
# sees it: the client does not know it moved.
@{
    Name        = 'quic-nat'
    Description = 'QUIC NAT rebinding: client, nat (source NAT to 10.240.0.1:20000), server'
    Nodes       = @{
        client = @{ Routes = @( @{ Destination = 'default'; Gateway = '10.230.0.1' } ) }
        nat    = @{
            Forwarding = $true
            Nftables   = @'
table ip quic_nat {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" ip saddr 10.230.0.2 udp dport 4433 snat to 10.240.0.1:20000
    }
    chain in {
        type filter hook input priority filter; policy accept;
        iifname "eth1" udp sport 4433 drop
    }
}
'@
        }
        server = @{}
    }
    Links       = @(
        @{ Endpoints = 'client:eth0', 'nat:eth0'; Addresses = '10.230.0.2/24', '10.230.0.1/24' }
        @{ Endpoints = 'nat:eth1', 'server:eth0'; Addresses = '10.240.0.1/24', '10.240.0.2/24' }
    )
}
