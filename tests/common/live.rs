//! The service itself (not the bare router) answering on a free loopback port inside the test
//! process: for tests that need real connections (a browser, raw TCP, timing).

use std::net::SocketAddr;

use anli::server::{AppState, Limits};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running service; [`Live::stop`] shuts it down and checks it ended cleanly.
pub struct Live {
    /// Where it answers.
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Live {
    /// Serve `state` with the default limits.
    pub async fn start(state: AppState) -> Live {
        Live::start_with(state, Limits::default()).await
    }

    /// Serve `state` with `limits`.
    pub async fn start_with(state: AppState, limits: Limits) -> Live {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(anli::server::serve_with(
            listener,
            state,
            async {
                let _ = stopped.await;
            },
            limits,
        ));
        Live { addr, stop, server }
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shut the service down and wait until it has ended, without an error.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.server.await.unwrap().unwrap();
    }
}

/// A free port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process, killed and reaped when dropped (chromedriver, nginx, `anli serve`).
pub struct Killed(pub std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where nginx is installed (Debian puts it in /usr/sbin, often not on a user's PATH).
pub fn nginx_program() -> Option<std::path::PathBuf> {
    super::cli::find_program(&["nginx"]).or_else(|| {
        let p = std::path::PathBuf::from("/usr/sbin/nginx");
        p.is_file().then_some(p)
    })
}

/// nginx with its default limits, run from `dir` (its configuration, logs and temporary files
/// there), one `server` per `(port, directives)`: `directives` go inside `location / { … }`.
/// Returns once every port answers; panics with nginx's error log if one does not.
pub fn start_nginx(
    nginx: &std::path::Path,
    dir: &std::path::Path,
    servers: &[(u16, String)],
) -> Killed {
    let d = dir.display();
    let mut conf = format!(
        "daemon off; master_process off; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
"
    );
    for (port, directives) in servers {
        conf.push_str(&format!(
            "  server {{ listen 127.0.0.1:{port}; location / {{ {directives} }} }}\n"
        ));
    }
    conf.push_str("}\n");
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Killed(
        std::process::Command::new(nginx)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&path)
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx starts"),
    );
    for (port, _) in servers {
        let up = (0..100).any(|_| {
            let ok = std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok();
            if !ok {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            ok
        });
        assert!(
            up,
            "nginx listens on {port}: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
    }
    child
}
