"""Two official editions of one statement, and documents that are not its editions."""

# ruff: noqa: E501 (a document's lines are as long as its sentences)

from __future__ import annotations

from pathlib import Path

STATEMENT_VI = """Bộ Ngoại giao họp báo thường kỳ về hợp tác biển

Ngày 12 tháng 3 năm 2024, Người phát ngôn Bộ Ngoại giao Phạm Thu Hằng chủ trì họp báo thường kỳ tại Hà Nội.
Việt Nam kiên định chủ trương giải quyết các tranh chấp trên Biển Đông bằng biện pháp hòa bình, trên cơ sở luật pháp quốc tế.
Bà Phạm Thu Hằng cho biết năm 2023 Việt Nam đã ký 47 thỏa thuận hợp tác về tìm kiếm cứu nạn trên biển.
Việt Nam hoan nghênh các nước đóng góp xây dựng vào hòa bình, ổn định và hợp tác trong khu vực.
Các cơ quan chức năng sẽ tiếp tục theo dõi chặt chẽ tình hình và bảo vệ quyền hợp pháp của ngư dân Việt Nam.
"""

STATEMENT_EN = """Foreign Ministry holds regular press briefing on maritime cooperation

On 12 March 2024, Foreign Ministry Spokesperson Pham Thu Hang chaired the regular press briefing in Hanoi.
Viet Nam consistently pursues the settlement of disputes in the East Sea by peaceful means, on the basis of international law.
Ms Pham Thu Hang said that in 2023 Viet Nam signed 47 cooperation agreements on maritime search and rescue.
Viet Nam welcomes constructive contributions by other countries to peace, stability and cooperation in the region.
The competent agencies will continue to closely monitor the situation and protect the lawful rights of Vietnamese fishermen.
"""

# Same language as the statement's edition, another subject: never linked to it.
HARVEST_EN = """Mekong Delta farmers expect a record rice harvest

Farmers in the Mekong Delta expect a record winter-spring rice harvest this year, agricultural officials said.
Rice prices at the farm gate rose by about ten percent compared with the same period last year.
The provinces of An Giang and Dong Thap account for a large share of the rice exported through Can Tho port.
"""

# The statement's subject in Vietnamese, but another text: never an original of its edition.
TOURISM_VI = """Du lịch biển đảo thu hút khách quốc tế

Các tỉnh ven biển miền Trung đón lượng lớn du khách quốc tế trong dịp đầu năm 2024.
Nhiều khu nghỉ dưỡng tại Đà Nẵng và Khánh Hòa kín phòng suốt tháng Hai và tháng Ba.
Ngành du lịch đặt mục tiêu đón 17 triệu lượt khách quốc tế trong cả năm.
"""


def write(folder: Path, name: str, text: str, **declared: str) -> Path:
    """Write a document with front matter (language and any declared field)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    front = "".join(f"{key}: {value}\n" for key, value in declared.items())
    path.write_text(f"---\n{front}---\n{text}" if front else text, encoding="utf-8")
    return path


# Another outlet's report of the same briefing: one subject, other sentences. Not an edition.
REPORT_VI = """Phóng viên quốc tế hỏi về ngư dân tại họp báo Bộ Ngoại giao

Tại họp báo chiều 12/3/2024, nhiều phóng viên nước ngoài đặt câu hỏi về các tàu cá bị xua đuổi gần quần đảo Hoàng Sa.
Người phát ngôn cho biết Bộ Ngoại giao đã trao công hàm phản đối cho đại diện đại sứ quán liên quan.
Theo số liệu của Bộ Nông nghiệp, trong hai tháng đầu năm có 16 tàu cá của tỉnh Quảng Ngãi gặp nạn trên biển.
Hội Nghề cá Việt Nam đề nghị tăng cường lực lượng kiểm ngư hỗ trợ ngư dân bám biển.
"""
