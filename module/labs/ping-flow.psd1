# The ping flow migration lab: a client A reaches an abstract address fe00::1 that stands for one of two concrete
# locations, C (fc01::1) or D (fc02::2), behind a router B. The mapping lives in A (NAT on A's own traffic); switching
# it re-points running flows without the client noticing. The same links also carry IPv4 (10.201.x.0/24).
@{
    Name        = 'ping-flow'
    Description = 'Ping flow migration: client A, router B, two locations C and D of the abstract address fe00::1'
    Nodes       = @{
        A = @{ Routes = @( @{ Destination = 'default'; Gateway = 'fd00:ab::b' }, @{ Destination = 'default'; Gateway = '10.201.1.254' } ) }
        B = @{ Forwarding = $true }
        C = @{ Routes = @( @{ Destination = 'default'; Gateway = 'fc01::fe' }, @{ Destination = 'default'; Gateway = '10.201.2.254' } ) }
        D = @{ Routes = @( @{ Destination = 'default'; Gateway = 'fc02::fe' }, @{ Destination = 'default'; Gateway = '10.201.3.254' } ) }
    }
    Links       = @(
        @{ Endpoints = 'A:a-b', 'B:b-a'; Addresses = @('fd00:ab::a/64', '10.201.1.1/24'), @('fd00:ab::b/64', '10.201.1.254/24') }
        @{ Endpoints = 'B:b-c', 'C:c-b'; Addresses = @('fc01::fe/64', '10.201.2.254/24'), @('fc01::1/64', '10.201.2.1/24') }
        @{ Endpoints = 'B:b-d', 'D:d-b'; Addresses = @('fc02::fe/64', '10.201.3.254/24'), @('fc02::2/64', '10.201.3.2/24') }
    )
    FlowMappings = @(
        @{ Node = 'A'; VirtualAddress = 'fe00::1'; Target = 'fc01::1', 'fc02::2' }
    )
}
