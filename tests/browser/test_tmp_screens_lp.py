from tests.browser.test_learning_journey import PASSWORD, PHONE, VIDEO, course, listen_for_progress, play_fast  # noqa
from tests.video.conftest import clip, clip_folder  # noqa: F401


def test_screens(live_server, course, browser, phone):  # noqa: F811
    phone.goto(f"{live_server.url}/accounts/register/")
    phone.get_by_label("手机号").fill(PHONE)
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.get_by_label("再次输入密码").fill(PASSWORD)
    phone.get_by_label("真实姓名").fill("赵铁柱")
    phone.get_by_label("工作单位").fill("长春某汽车零部件有限公司")
    phone.get_by_role("button", name="注册").click()
    phone.goto(live_server.url + course.url + f"lessons/{course.lessons()[1].key}/")
    phone.screenshot(path="/tmp/lp_cta.png", full_page=True)
    phone.goto(live_server.url + course.url)
    phone.get_by_role("button", name="报名学习").click()
    phone.get_by_role("link", name="开始学习").click()
    phone.get_by_role("link", name="组件安装实操 ›").click()
    phone.wait_for_function(f"() => {VIDEO}.readyState >= 1")
    listen_for_progress(phone)
    play_fast(phone)
    phone.wait_for_function("() => window.answers.some(answer => answer.course_complete)")
    phone.screenshot(path="/tmp/lp_done.png", full_page=True)
    phone.get_by_role("link", name="我的学习").click()
    phone.screenshot(path="/tmp/lp_me.png", full_page=True)
