#!/usr/bin/env python3
"""bench/gen_nginx_tree.py N OUT - a Debian-layout nginx tree of N vhosts for the analysis
benchmark, after the trees of ../shared/research/baselines.md section 2: nginx.conf includes
conf.d/*.conf and sites-enabled/*; one file per vhost in sites-available, symlinked into
sites-enabled; snippets/; a `map $host $redirect_target` fed by maps/redirects.map; a
default_server. Vhost i uses pattern i mod 8:
  0 80->443 return 301 + ssl server        4 80+443 in one server, if ($scheme = http) + dot deny
  1 certbot-managed if ($host = ...) 301   5 www -> apex + if ($redirect_target) from the map
  2 PHP-FPM with location ~ /\\.ht deny    6 rewrite permanent + (?!well-known) deny + php deny
  3 ssl proxy with ^~ pki-validation       7 wildcard + regex server_name, /.well-known/ 404
One self-signed certificate (OUT/certs, made with openssl) serves every ssl server.
Prints the target domain: the pattern-0 domain nearest the middle of the tree."""
import os, subprocess, sys

TLDS = ["com", "example", "org", "net"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]


def domain(i):
    return f"{WORDS[(i // 1000) % len(WORDS)]}{i:05d}.{TLDS[i % len(TLDS)]}"


def ssl(out):
    return f"    ssl_certificate {out}/certs/cert.pem;\n    ssl_certificate_key {out}/certs/key.pem;\n" \
           f"    include {out}/snippets/ssl-params.conf;\n"


def vhost(i, out):
    d, root = domain(i), f"{out}/www/{domain(i)}"
    p = i % 8
    if p == 0:
        return (f"server {{\n    listen 80;\n    listen [::]:80;\n    server_name {d} www.{d};\n"
                f"    return 301 https://$host$request_uri;\n}}\n"
                f"server {{\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    server_name {d} www.{d};\n"
                f"{ssl(out)}    root {root};\n    index index.html;\n    location / {{ try_files $uri $uri/ =404; }}\n}}\n")
    if p == 1:
        return (f"server {{\n    server_name {d};\n    root {root};\n"
                f"    listen 443 ssl; # managed by Certbot\n{ssl(out)}}}\n"
                f"server {{\n    if ($host = {d}) {{\n        return 301 https://$host$request_uri;\n    }} # managed by Certbot\n"
                f"    listen 80;\n    server_name {d};\n    return 404; # managed by Certbot\n}}\n")
    if p == 2:
        return (f"server {{\n    listen 80;\n    server_name {d} www.{d};\n    root {root};\n    index index.php;\n"
                f"    location / {{ try_files $uri $uri/ /index.php?$query_string; }}\n"
                f"    location ~ \\.php$ {{ include {out}/snippets/fastcgi-php.conf; fastcgi_pass unix:/run/php/php8.2-fpm.sock; }}\n"
                f"    location ~ /\\.ht {{ deny all; }}\n}}\n")
    if p == 3:
        return (f"server {{\n    listen 443 ssl;\n    server_name {d};\n{ssl(out)}"
                f"    location ^~ /.well-known/pki-validation/ {{ root {root}; }}\n"
                f"    location / {{ proxy_pass http://127.0.0.1:8080; proxy_set_header Upgrade $http_upgrade;\n"
                f"        proxy_set_header Connection $connection_upgrade; }}\n}}\n")
    if p == 4:
        return (f"server {{\n    listen 80;\n    listen 443 ssl;\n    server_name {d};\n{ssl(out)}    root {root};\n"
                f"    if ($scheme = http) {{ return 301 https://$host$request_uri; }}\n"
                f"    location ~ /\\. {{ deny all; }}\n}}\n")
    if p == 5:
        return (f"server {{\n    listen 80;\n    server_name www.{d} old.{d};\n    return 301 http://{d}$request_uri;\n}}\n"
                f"server {{\n    listen 80;\n    server_name {d};\n    root {root};\n"
                f"    if ($redirect_target) {{ return 301 $redirect_target; }}\n}}\n")
    if p == 6:
        return (f"server {{\n    listen 80;\n    server_name {d};\n    root {root};\n"
                f"    rewrite ^/old/(.*)$ /new/$1 permanent;\n"
                f"    location ~ /\\.(?!well-known) {{ deny all; }}\n"
                f"    location ~* ^/\\.well-known/pki-validation/.*\\.php$ {{ deny all; }}\n}}\n")
    return (f"server {{\n    listen 80;\n    server_name *.{d} ~^(?<sub>.+)\\.{d.replace('.', chr(92) + '.')}$;\n"
            f"    root {root};\n    location /.well-known/ {{ return 404; }}\n}}\n")


def main():
    n, out = int(sys.argv[1]), os.path.abspath(sys.argv[2])
    for sub in ["conf.d", "sites-available", "sites-enabled", "snippets", "maps", "certs", "logs", "www"]:
        os.makedirs(f"{out}/{sub}", exist_ok=True)
    if not os.path.exists(f"{out}/certs/cert.pem"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=bench",
                        "-keyout", f"{out}/certs/key.pem", "-out", f"{out}/certs/cert.pem"],
                       check=True, capture_output=True)
    with open(f"{out}/nginx.conf", "w") as f:
        f.write(f"pid {out}/nginx.pid;\nerror_log {out}/logs/error.log;\nevents {{ worker_connections 64; }}\n"
                f"http {{\n    access_log off;\n    server_names_hash_bucket_size 128;\n    server_names_hash_max_size 65536;\n"
                f"    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}\n"
                f"    map $host $redirect_target {{ hostnames; default \"\"; include {out}/maps/redirects.map; }}\n"
                f"    include {out}/conf.d/*.conf;\n    include {out}/sites-enabled/*;\n}}\n")
    with open(f"{out}/conf.d/default.conf", "w") as f:
        f.write(f"server {{\n    listen 80 default_server;\n    listen [::]:80 default_server;\n    server_name _;\n"
                f"    root {out}/www/default;\n}}\n")
    with open(f"{out}/snippets/ssl-params.conf", "w") as f:
        f.write("ssl_protocols TLSv1.2 TLSv1.3;\nssl_prefer_server_ciphers off;\n")
    with open(f"{out}/snippets/fastcgi-php.conf", "w") as f:
        f.write("fastcgi_split_path_info ^(.+?\\.php)(/.*)$;\nfastcgi_index index.php;\n")
    with open(f"{out}/maps/redirects.map", "w") as f:
        for i in range(5, n, 8):
            f.write(f"legacy.{domain(i)} https://{domain(i)}/;\n")
    for i in range(n):
        name = f"{i:05d}-{domain(i)}"
        with open(f"{out}/sites-available/{name}", "w") as f:
            f.write(vhost(i, out))
        link = f"{out}/sites-enabled/{name}"
        if not os.path.islink(link):
            os.symlink(f"../sites-available/{name}", link)
    middle = min(range(0, n, 8), key=lambda i: abs(i - n // 2))
    print(domain(middle))


if __name__ == "__main__":
    main()
