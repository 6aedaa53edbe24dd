"""Pure builders and parsers of the discovery protocols the smb, netbios and
wsd plugins speak (SMB1/2/3, NTLMSSP, NetBIOS name service, WS-Discovery).
No sockets here: the plugins do the I/O."""
