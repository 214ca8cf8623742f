#!/usr/bin/env python3
"""bench/gen_apache_tree.py N OUT - a Debian /etc/apache2-layout tree of N vhosts for the
analysis benchmark, after the Apache trees of ../shared/research/baselines.md section 2
(gen_apache.py): apache2.conf includes mods-enabled/*.load and *.conf (Debian's own module
files, loading the real /usr/lib/apache2/modules), ports.conf, conf-enabled/*.conf and
sites-enabled/*.conf; one file per vhost in sites-available, symlinked into sites-enabled;
an envvars that keeps every runtime path under OUT, so `APACHE_CONFDIR=OUT apache2ctl -t`
and `apache2 -d OUT -f apache2.conf -t -D DUMP_VHOSTS` work unchanged. Same domains as
gen_nginx_tree.py; vhost i uses pattern i mod 8 (blocks: 80 = *:80, 443 = *:443 mod_ssl):
  0 certbot: 80 RewriteRule ^ https://%{SERVER_NAME} + a -le-ssl.conf 443 file
  1 80 Redirect permanent to https + 443 DocumentRoot
  2 80 PHP-FPM SetHandler, <Directory> granted, a private <Directory> denied
  3 ProxyPass app on 80 and 443 with ProxyPass /.well-known/pki-validation/ ! and an Alias
  4 80+443 <LocationMatch "/\\."> Require all denied (blocks pki-validation)
  5 80 www -> apex Redirect + 443 apex with a www RewriteRule
  6 443 only, <Location "/.well-known/pki-validation"> Require all denied
  7 80+443 RewriteRule "^/\\.well-known/(?!acme-challenge)" - [F,L]
That is 14 VirtualHosts per 8 vhosts, half of them TLS, and N + N/8 site files, as in the
baseline trees. SSL vhosts Include snippets/options-ssl.conf as certbot-managed ones do; one
self-signed certificate (OUT/certs, made once with openssl) serves them all. DocumentRoots
are created under OUT/www so `apache2 -t` does not warn. Prints the target domain: the
pattern-0 domain nearest the middle of the tree."""
import os, shutil, subprocess, sys

from gen_nginx_tree import domain

STOCK = "/etc/apache2"
# Debian's default modules plus those the vhosts use (ssl, rewrite, proxy, headers).
MODULES = ["access_compat", "alias", "auth_basic", "authn_core", "authn_file", "authz_core", "authz_host",
           "authz_user", "autoindex", "deflate", "dir", "env", "filter", "mime", "mpm_event", "negotiation",
           "reqtimeout", "setenvif", "status", "socache_shmcb", "ssl", "rewrite", "proxy", "proxy_http",
           "proxy_fcgi", "headers"]
CONFS = ["charset", "other-vhosts-access-log", "security", "serve-cgi-bin"]

APACHE2_CONF = """# apache2.conf of a generated benchmark tree (Debian layout; ServerRoot is -d / APACHE_CONFDIR)
DefaultRuntimeDir ${{APACHE_RUN_DIR}}
PidFile ${{APACHE_PID_FILE}}
Timeout 300
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
User ${{APACHE_RUN_USER}}
Group ${{APACHE_RUN_GROUP}}
HostnameLookups Off
ErrorLog ${{APACHE_LOG_DIR}}/error.log
LogLevel warn
IncludeOptional mods-enabled/*.load
IncludeOptional mods-enabled/*.conf
Include ports.conf
<Directory />
\tOptions FollowSymLinks
\tAllowOverride None
\tRequire all denied
</Directory>
<Directory /usr/share>
\tAllowOverride None
\tRequire all granted
</Directory>
<Directory {out}/www/>
\tOptions Indexes FollowSymLinks
\tAllowOverride None
\tRequire all granted
</Directory>
AccessFileName .htaccess
<FilesMatch "^\\.ht">
\tRequire all denied
</FilesMatch>
LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{{Referer}}i\\" \\"%{{User-Agent}}i\\"" vhost_combined
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{{Referer}}i\\" \\"%{{User-Agent}}i\\"" combined
LogFormat "%h %l %u %t \\"%r\\" %>s %O" common
IncludeOptional conf-enabled/*.conf
IncludeOptional sites-enabled/*.conf
"""

PORTS_CONF = "Listen 80\n\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n\n<IfModule mod_gnutls.c>\n\tListen 443\n</IfModule>\n"

ENVVARS = """# envvars of a generated benchmark tree: every runtime path under the tree, nothing in /var
unset HOME
export APACHE_RUN_USER=www-data
export APACHE_RUN_GROUP=www-data
export APACHE_PID_FILE={out}/run/apache2.pid
export APACHE_RUN_DIR={out}/run
export APACHE_LOCK_DIR={out}/lock
export APACHE_LOG_DIR={out}/logs
export LANG=C
"""

# certbot's options-ssl-apache.conf (SSLEngine on comes with it).
OPTIONS_SSL = """SSLEngine on
SSLProtocol             all -SSLv2 -SSLv3 -TLSv1 -TLSv1.1
SSLCipherSuite          ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384
SSLHonorCipherOrder     off
SSLSessionTickets       off
SSLOptions +StrictRequire
LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-agent}i\\"" vhost_combined
LogFormat "%v %h %l %u %t \\"%r\\" %>s %b" vhost_common
"""


def head(d, port, aliases=True, name=None):
    return (f"<VirtualHost *:{port}>\n    ServerName {name or d}\n" + (f"    ServerAlias www.{d}\n" if aliases else "")
            + f"    ServerAdmin webmaster@{d}\n")


def logs(d):
    return (f"    ErrorLog ${{APACHE_LOG_DIR}}/{d}-error.log\n"
            f"    CustomLog ${{APACHE_LOG_DIR}}/{d}-access.log combined\n")


def tls(out):
    return (f"    SSLCertificateFile {out}/certs/cert.pem\n    SSLCertificateKeyFile {out}/certs/key.pem\n"
            f"    Include {out}/snippets/options-ssl.conf\n")


def granted(root):
    return f"    <Directory {root}>\n        Options -Indexes\n        AllowOverride None\n        Require all granted\n    </Directory>\n"


def vhost(i, out):
    """The text of vhost i's site file, and of its -le-ssl.conf file (pattern 0) or None."""
    d, root = domain(i), f"{out}/www/{domain(i)}"
    p, end = i % 8, "</VirtualHost>\n"
    if p == 0:
        plain = (head(d, 80) + f"    DocumentRoot {root}\n" + logs(d) + "    RewriteEngine on\n"
                 f"    RewriteCond %{{SERVER_NAME}} =www.{d} [OR]\n    RewriteCond %{{SERVER_NAME}} ={d}\n"
                 "    RewriteRule ^ https://%{SERVER_NAME}%{REQUEST_URI} [END,NE,R=permanent]\n" + end)
        le = ("<IfModule mod_ssl.c>\n" + head(d, 443) + f"    DocumentRoot {root}\n" + granted(root) + logs(d)
              + tls(out) + end + "</IfModule>\n")
        return plain, le
    if p == 1:
        return (head(d, 80) + f"    Redirect permanent / https://{d}/\n" + logs(d) + end
                + head(d, 443) + f"    DocumentRoot {root}\n" + logs(d) + tls(out) + end), None
    if p == 2:
        return (head(d, 80) + f"    DocumentRoot {root}\n    DirectoryIndex index.php index.html\n"
                "    <FilesMatch \"\\.php$\">\n"
                "        SetHandler \"proxy:unix:/run/php/php8.2-fpm.sock|fcgi://localhost\"\n    </FilesMatch>\n"
                + granted(root) + f"    <Directory {root}/private>\n        Require all denied\n    </Directory>\n"
                + logs(d) + end), None
    if p == 3:
        app = (f"    Alias /.well-known/pki-validation/ {root}/.well-known/pki-validation/\n"
               "    ProxyPreserveHost On\n    ProxyPass /.well-known/pki-validation/ !\n"
               "    ProxyPass / http://127.0.0.1:8080/\n    ProxyPassReverse / http://127.0.0.1:8080/\n")
        return head(d, 80) + app + logs(d) + end + head(d, 443) + app + logs(d) + tls(out) + end, None
    if p == 4:
        deny = f"    DocumentRoot {root}\n    <LocationMatch \"/\\.\">\n        Require all denied\n    </LocationMatch>\n"
        return head(d, 80) + deny + logs(d) + end + head(d, 443) + deny + logs(d) + tls(out) + end, None
    if p == 5:
        return (head(d, 80, False, f"www.{d}") + f"    ServerAlias old.{d}\n    Redirect permanent / https://{d}/\n"
                + logs(d) + end + head(d, 443) + f"    DocumentRoot {root}\n    RewriteEngine On\n"
                "    RewriteCond %{HTTP_HOST} ^www\\. [NC]\n" f"    RewriteRule ^/(.*)$ https://{d}/$1 [R=301,L]\n"
                + logs(d) + tls(out) + end), None
    if p == 6:
        return (head(d, 443) + f"    DocumentRoot {root}\n    <Location \"/.well-known/pki-validation\">\n"
                "        Require all denied\n    </Location>\n" + logs(d) + tls(out) + end), None
    rule = (f"    DocumentRoot {root}\n    RewriteEngine On\n"
            "    RewriteRule \"^/\\.well-known/(?!acme-challenge)\" - [F,L]\n")
    return head(d, 80) + rule + logs(d) + end + head(d, 443) + rule + logs(d) + tls(out) + end, None


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def enable(out, name, text):
    write(f"{out}/sites-available/{name}", text)
    link = f"{out}/sites-enabled/{name}"
    if not os.path.islink(link):
        os.symlink(f"../sites-available/{name}", link)


def main():
    n, out = int(sys.argv[1]), os.path.abspath(sys.argv[2])
    for sub in ["mods-enabled", "conf-enabled", "sites-available", "sites-enabled", "snippets", "certs", "logs",
                "run", "lock", "www"]:
        os.makedirs(f"{out}/{sub}", exist_ok=True)
    if not os.path.exists(f"{out}/certs/cert.pem"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=bench",
                        "-keyout", f"{out}/certs/key.pem", "-out", f"{out}/certs/cert.pem"],
                       check=True, capture_output=True)
    for module in MODULES:  # Debian's own files: LoadModule ... /usr/lib/apache2/modules/mod_*.so
        for ext in ["load", "conf"]:
            if os.path.exists(f"{STOCK}/mods-available/{module}.{ext}"):
                shutil.copyfile(f"{STOCK}/mods-available/{module}.{ext}", f"{out}/mods-enabled/{module}.{ext}")
    for conf in CONFS:
        if os.path.exists(f"{STOCK}/conf-available/{conf}.conf"):
            shutil.copyfile(f"{STOCK}/conf-available/{conf}.conf", f"{out}/conf-enabled/{conf}.conf")
    write(f"{out}/apache2.conf", APACHE2_CONF.format(out=out))
    write(f"{out}/ports.conf", PORTS_CONF)
    write(f"{out}/envvars", ENVVARS.format(out=out))
    write(f"{out}/snippets/options-ssl.conf", OPTIONS_SSL)
    for i in range(n):
        d = domain(i)
        os.makedirs(f"{out}/www/{d}", exist_ok=True)
        plain, le = vhost(i, out)
        enable(out, f"{i:05d}-{d}.conf", plain)
        if le is not None:
            enable(out, f"{i:05d}-{d}-le-ssl.conf", le)
    middle = min(range(0, n, 8), key=lambda i: abs(i - n // 2))
    print(domain(middle))


if __name__ == "__main__":
    main()
