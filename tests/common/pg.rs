//! A throwaway PostgreSQL cluster for the team-library tests: `initdb` and `pg_ctl` of Debian's
//! `postgresql` package in a temporary directory, on a free local port, with password
//! (SCRAM) authentication, run as an unprivileged user (`postgres` when the tests run as root,
//! as in CI: PostgreSQL refuses to run as root). Stopped, and its files removed, on drop.

use std::path::PathBuf;
use std::process::Command;

/// The cluster's administrator and its password.
pub const ADMIN: &str = "gamefilm";
pub const ADMIN_PASSWORD: &str = "throwaway-admin";

pub struct PgCluster {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    /// The user the server runs as when the tests run as root.
    run_as: Option<String>,
}

/// The newest PostgreSQL's binaries (`/usr/lib/postgresql/<version>/bin`).
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/install-deps.sh adds the postgresql package)")
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, b)| b.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version with initdb under /usr/lib/postgresql").1
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// util-linux's runuser (in /usr/sbin, which a non-login shell's PATH may lack).
fn runuser() -> &'static str {
    ["/usr/sbin/runuser", "/sbin/runuser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("runuser")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PgCluster {
    /// Creates and starts a cluster; panics with the server's log when it cannot.
    pub fn start() -> PgCluster {
        let dir = tempfile::Builder::new().prefix("gamefilm-pg-").tempdir().unwrap();
        let run_as = is_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let out = Command::new("chown").args(["-R", user]).arg(dir.path()).output().unwrap();
            assert!(out.status.success(), "chown: {}", String::from_utf8_lossy(&out.stderr));
        }
        let c = PgCluster { dir, port: free_port(), bin: bin_dir(), run_as };
        let pw = c.dir.path().join("pw");
        std::fs::write(&pw, ADMIN_PASSWORD).unwrap();
        if let Some(user) = &c.run_as {
            Command::new("chown").arg(user).arg(&pw).status().unwrap();
        }
        c.run(
            "initdb",
            &[
                "-D",
                c.data().to_str().unwrap(),
                "-U",
                ADMIN,
                "--auth=scram-sha-256",
                "--pwfile",
                pw.to_str().unwrap(),
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        );
        c.start_server();
        c
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new(runuser());
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd.args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
        if !out.status.success() {
            let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
            panic!(
                "{tool} {args:?} failed: {}{}\n--- server log ---\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// Starts the server (again, after [`stop_server`](Self::stop_server)), waiting until it
    /// accepts connections.
    pub fn start_server(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data().to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-o",
                &opts,
                "start",
            ],
        );
    }

    /// Stops the server at once (as a crash would: no checkpoint).
    pub fn stop_server(&self) {
        self.run("pg_ctl", &["-D", self.data().to_str().unwrap(), "-m", "immediate", "-w", "stop"]);
    }

    /// A connection URL for `user` with `password` to database `db`.
    pub fn url(&self, user: &str, password: &str, db: &str) -> String {
        format!("postgres://{user}:{password}@127.0.0.1:{}/{db}", self.port)
    }

    /// The administrator's URL to the default database.
    pub fn admin_url(&self) -> String {
        self.url(ADMIN, ADMIN_PASSWORD, "postgres")
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new(runuser());
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let _ = cmd.arg("-D").arg(&data).args(["-m", "immediate", "-w", "stop"]).output();
    }
}
