# The ping flow migration across three hosts: A (the client) and its router B on east, the two locations of the
# abstract address fe00::1 on two other hosts, C on west and D on north. The links from B to C and D cross hosts:
# each is a VXLAN between the hosts' underlay addresses. Edit the Hosts section for your machines (HostName,
# UserName, KeyFilePath, Options are those of New-PSSession -SSHTransport; Address is the underlay address when
# HostName is a name). Each host needs PowerShell 7.4+ with the SSH subsystem, root, and UDP 4789 open between them.
@{
    Name         = 'ping-flow-hosts'
    Description  = 'Ping flow migration across three hosts: A and B on east, C on west, D on north'
    Hosts        = @{
        east  = @{ HostName = '10.199.0.11'; UserName = 'root' }
        west  = @{ HostName = '10.199.0.12'; UserName = 'root' }
        north = @{ HostName = '10.199.0.13'; UserName = 'root' }
    }
    Nodes        = @{
        A = @{ Host = 'east'; Routes = @( @{ Destination = 'default'; Gateway = 'fd00:ab::b' }, @{ Destination = 'default'; Gateway = '10.201.1.254' } ) }
        B = @{ Host = 'east'; Forwarding = $true }
        C = @{ Host = 'west'; Routes = @( @{ Destination = 'default'; Gateway = 'fc01::fe' }, @{ Destination = 'default'; Gateway = '10.201.2.254' } ) }
        D = @{ Host = 'north'; Routes = @( @{ Destination = 'default'; Gateway = 'fc02::fe' }, @{ Destination = 'default'; Gateway = '10.201.3.254' } ) }
    }
    Links        = @(
        @{ Endpoints = 'A:a-b', 'B:b-a'; Addresses = @('fd00:ab::a/64', '10.201.1.1/24'), @('fd00:ab::b/64', '10.201.1.254/24') }
        @{ Endpoints = 'B:b-c', 'C:c-b'; Addresses = @('fc01::fe/64', '10.201.2.254/24'), @('fc01::1/64', '10.201.2.1/24') }
        @{ Endpoints = 'B:b-d', 'D:d-b'; Addresses = @('fc02::fe/64', '10.201.3.254/24'), @('fc02::2/64', '10.201.3.2/24') }
    )
    FlowMappings = @(
        @{ Node = 'A'; VirtualAddress = 'fe00::1'; Target = 'fc01::1', 'fc02::2' }
    )
}
