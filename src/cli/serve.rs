//! `anli serve`.

use anyhow::{Context, Result};
use clap::Args;

use anli::server::{AppState, ServerOptions, WriteAccess};

use super::ctx::Ctx;
use super::Outcome;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址；默认只允许本机访问。要让局域网里其他电脑访问，用 0.0.0.0:7878
    #[arg(
        long,
        env = "ANLI_ADDR",
        default_value = "127.0.0.1:7878",
        value_name = "地址:端口"
    )]
    addr: std::net::SocketAddr,

    /// 管理口令（至少 12 个字符）：设置后，修改案例包总是需要它，监听本机时也一样（同一台机器上的反向代理转发来的请求看起来都来自本机）；不设置时，只有监听本机（默认）才能在网页上修改，对局域网开放则只读
    #[arg(
        long,
        env = "ANLI_ADMIN_TOKEN",
        value_name = "口令",
        hide_env_values = true
    )]
    admin_token: Option<String>,

    /// 放在反向代理（nginx 等）后面时，访问者在浏览器里打开的地址，如 https://anli.example.org：来自这个地址的网页可以修改案例包（仍需口令），https 地址时登录 cookie 带 Secure
    #[arg(long, env = "ANLI_PUBLIC_URL", value_name = "网址")]
    public_url: Option<String>,
}

pub fn serve(ctx: &Ctx, args: ServeArgs) -> Result<Outcome> {
    let addr = args.addr;
    let mut access =
        WriteAccess::new(addr, args.admin_token.as_deref()).map_err(anyhow::Error::msg)?;
    if let Some(url) = args.public_url.as_deref().filter(|u| !u.trim().is_empty()) {
        access = access.with_public_url(url).map_err(anyhow::Error::msg)?;
    }
    if !access.is_local() && !access.has_token() {
        ctx.say(
            "提醒：服务对局域网开放且没有设置管理口令（--admin-token），案例包只能查看和下载。",
        );
    }
    // The library the engine was opened from (schema files, topics): not read a second time.
    let (engine, lib) = ctx.engine()?;
    let cases = engine.num_cases();
    let options = ServerOptions {
        packets: ctx.global.packets.clone(),
        access,
    };
    let state = AppState::new(engine, lib, options);
    // Case files edited, added or removed while the service runs are indexed by themselves.
    let _watcher = match anli::server::live::watch(state.clone()) {
        Ok(w) => Some(w),
        Err(e) => {
            ctx.say(format!(
                "提醒：无法监视案例目录（改动后请运行 anli index）：{e}"
            ));
            None
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动服务线程")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("无法监听 {addr}（端口可能已被占用，可用 --addr 换一个）"))?;
        let local = listener.local_addr()?;
        ctx.say(format!(
            "anli 已启动：http://{local}/ （{cases} 个案例；按 Ctrl-C 退出）"
        ));
        tracing::info!(%local, "listening");
        anli::server::serve(listener, state, anli::server::shutdown_signal()).await?;
        ctx.say("anli 已退出");
        Ok(Outcome::Ok)
    })
}
