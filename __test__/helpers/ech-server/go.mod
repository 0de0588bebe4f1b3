module rustls-node/ech-server

go 1.24
