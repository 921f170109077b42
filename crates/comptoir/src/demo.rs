pub async fn run(_: &str, _: crate::cli::DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("todo")
}
