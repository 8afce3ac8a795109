//! The team library's ground: a real PostgreSQL server, started by the tests as an unprivileged
//! user on a free port (tests/common/pg.rs), reachable with a password and refusing a wrong one
//! with a clear error, surviving a crash-stop and a restart with what it committed. The team
//! library itself (sync, row-level security, audio chunks) builds on this harness.

#[path = "common/pg.rs"]
mod pg;

use pg::PgCluster;

#[test]
fn a_throwaway_server_starts_as_an_unprivileged_user_checks_passwords_and_survives_a_crash() {
    let server = PgCluster::start();
    let mut admin = postgres::Client::connect(&server.admin_url(), postgres::NoTls)
        .expect("the administrator connects with the password");
    let who: String = admin.query_one("SELECT current_user::text", &[]).unwrap().get(0);
    assert_eq!(who, pg::ADMIN);
    let runs_as: String = admin
        .query_one(
            "SELECT rolname::text FROM pg_roles WHERE rolsuper AND rolname = current_user",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(runs_as, pg::ADMIN);
    admin
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)")
        .unwrap();

    // A wrong password: refused, and the error says why.
    let wrong = server.url(pg::ADMIN, "not-the-password", "postgres");
    let e = postgres::Client::connect(&wrong, postgres::NoTls).err().expect("refused");
    // (The client's own Display says only "db error": the server's words are in its DbError,
    // which is what the app will have to show.)
    let why = e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string());
    assert!(why.contains("password authentication failed"), "{why}");

    // A crash-stop and a restart keep what was committed.
    drop(admin);
    server.stop_server();
    assert!(postgres::Client::connect(&server.admin_url(), postgres::NoTls).is_err());
    server.start_server();
    let mut admin = postgres::Client::connect(&server.admin_url(), postgres::NoTls).unwrap();
    let n: i64 = admin.query_one("SELECT count(*) FROM t", &[]).unwrap().get(0);
    assert_eq!(n, 2);
}
