# The access-network lab: a client with a foot in two access networks (two LAN segments, each with a port of the
# router) and two servers on a shared server segment behind one router port. Moving the client from one access
# network to the other is a change of its default route's metric, or taking one access link down: its traffic then
# reaches the servers from its other address, as a phone moving from Wi-Fi to cellular does.
@{
    Name        = 'lan-access'
    Description = 'Two access LANs for one client, a router, and a server LAN with two servers'
    Nodes       = @{
        client = @{
            Routes = @(
                @{ Destination = 'default'; Gateway = '10.90.1.254'; Metric = 10 }
                @{ Destination = 'default'; Gateway = '10.90.2.254'; Metric = 20 }
            )
        }
        router = @{ Forwarding = $true }
        s1     = @{ Routes = @( @{ Destination = 'default'; Gateway = '10.90.3.254' } ) }
        s2     = @{ Routes = @( @{ Destination = 'default'; Gateway = '10.90.3.254' } ) }
    }
    Segments    = @{
        access1 = @{ Members = 'client:wlan0', 'router:acc1'; Addresses = @{ client = '10.90.1.10/24'; router = '10.90.1.254/24' } }
        access2 = @{ Members = 'client:wwan0', 'router:acc2'; Addresses = @{ client = '10.90.2.10/24'; router = '10.90.2.254/24' }; RateMbit = 50 }
        servers = @{ Members = 'router:srv', 's1:eth0', 's2:eth0'; Addresses = @{ router = '10.90.3.254/24'; s1 = '10.90.3.1/24'; s2 = '10.90.3.2/24' } }
    }
}
