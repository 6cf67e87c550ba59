# ngtcp2 0.12 as Debian ships it (ngtcp2-server, ngtcp2-client): the GnuTLS example server and client, HTTP/3.
# The server offers a preferred address when asked; the client moves to a new local address with --change-local-addr.
@{
    Name        = 'ngtcp2'
    Description = 'ngtcp2 0.12 (Debian): gtlsserver and gtlsclient, HTTP/3'
    Server      = @{
        Command                   = 'gtlsserver'
        Arguments                 = @('-q', '-d', '{WwwDirectory}', '--qlog-dir={QlogDirectory}', '{ServerAddress}', '{Port}', '{KeyFile}', '{CertificateFile}')
        PreferredAddressArguments = @('--preferred-ipv4-addr={PreferredAddress}:{Port}')
    }
    Client      = @{
        Command            = 'gtlsclient'
        Arguments          = @('-q', '--exit-on-all-streams-close', '--download={DownloadDirectory}', '--qlog-dir={QlogDirectory}', '{ServerAddress}', '{Port}', '{Url}')
        Environment        = @{ SSLKEYLOGFILE = '{KeyLogFile}' }
        MigrationArguments = @('--change-local-addr={MigrateAfterMs}ms')
    }
}
