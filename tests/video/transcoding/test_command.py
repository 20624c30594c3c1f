from video.transcoding import build_command, plan_audio, plan_ladder, probe


def command_for(path, out_dir="/out") -> list[str]:
    source = probe(path)
    return build_command(path, out_dir, source, plan_ladder(source), plan_audio(source))


def option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def test_one_process_decodes_once_and_splits(clip):
    cmd = command_for(clip("landscape.mp4"))
    assert cmd[0] == "ffmpeg" and cmd.count("-i") == 1
    graph = option(cmd, "-filter_complex")
    assert "split=2" in graph and "fps=fps=30" in graph
    assert "scale=640:360" in graph and "scale=426:240" in graph
    assert "bwdif" not in graph
    assert option(cmd, "-var_stream_map") == (
        "a:0,agroup:aud,name:audio v:0,agroup:aud,name:360p v:1,agroup:aud,name:240p"
    )


def test_hls_and_encoder_options(clip):
    cmd = command_for(clip("landscape.mp4"))
    assert option(cmd, "-protocol_whitelist") == "file"
    assert "hls" not in option(cmd, "-format_whitelist").split(",")
    assert option(cmd, "-c:v") == "libx264"
    assert option(cmd, "-preset") == "veryfast"
    assert option(cmd, "-sc_threshold") == "0"
    assert option(cmd, "-force_key_frames") == "expr:gte(t,n_forced*2)"
    assert option(cmd, "-g") == "60" and option(cmd, "-keyint_min") == "60"
    assert option(cmd, "-maxrate:v:0") == "495000"
    assert option(cmd, "-bufsize:v:1") == "500000"
    assert option(cmd, "-hls_segment_type") == "fmp4"
    assert option(cmd, "-hls_playlist_type") == "vod"
    assert option(cmd, "-hls_flags") == "independent_segments"
    assert option(cmd, "-master_pl_name") == "master.m3u8"
    assert option(cmd, "-progress") == "pipe:1" and "-nostats" in cmd
    assert option(cmd, "-map_metadata") == "-1"
    assert cmd[-1] != "/out/%v/index.m3u8"  # global options come after the output
    assert "/out/%v/index.m3u8" in cmd


def test_interlaced_source_is_deinterlaced_before_scaling(clip):
    graph = option(command_for(clip("interlaced.mp4")), "-filter_complex")
    assert graph.index("bwdif=mode=send_frame") < graph.index("fps=")


def test_high_frame_rate_is_capped(clip):
    cmd = command_for(clip("fps60.mp4"))
    assert "fps=fps=30" in option(cmd, "-filter_complex")
    assert option(cmd, "-g") == "60"


def test_no_audio_track_means_no_audio_group(clip):
    cmd = command_for(clip("no_audio.mp4"))
    assert option(cmd, "-var_stream_map") == "v:0,name:360p v:1,name:240p"
    assert "-c:a" not in cmd


def test_only_the_chosen_audio_track_is_mapped(clip):
    graph = option(command_for(clip("two_audio.mkv")), "-filter_complex")
    assert "[0:2]aresample" in graph
    assert "[0:1]" not in graph


def test_short_audio_is_padded_to_the_video_length(clip):
    graph = option(command_for(clip("short_audio.mp4")), "-filter_complex")
    assert "apad=whole_dur=5.0" in graph and "atrim=duration=5.0" in graph


def test_audio_only_input_gets_audio_hls_only(clip):
    cmd = command_for(clip("audio.mp3"))
    assert option(cmd, "-var_stream_map") == "a:0,name:audio"
    assert "libx264" not in cmd and "apad" not in option(cmd, "-filter_complex")
    assert option(cmd, "-ac") == "2" and option(cmd, "-b:a") == "96000"
